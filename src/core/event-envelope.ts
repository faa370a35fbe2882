/**
 * One inbound event, shaped as a CloudEvent (spec 1.0). `source` is the endpoint id that received it;
 * `data` is the parsed body (JSON value, form fields, XML tree or text) or, for raw bytes, `data_base64`.
 */
export interface EventEnvelope {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string | undefined;
  readonly time: string;
  readonly datacontenttype: string;
  readonly data?: unknown;
  readonly data_base64?: string | undefined;
  /** Extension attributes: verified provider headers worth keeping, the idempotency key, the client ip. */
  readonly extensions: Readonly<Record<string, string>>;
}
