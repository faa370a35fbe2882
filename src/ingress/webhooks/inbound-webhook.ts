/** One inbound webhook request as the receiver sees it, independent of the HTTP framework. */
export interface InboundWebhook {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  /** Full URL as the sender called it (for URL-signing schemes). */
  readonly url: string;
  readonly clientIp: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Media type without parameters, lower-case; '' when absent. */
  readonly mediaType: string;
  /** When the request arrived (epoch ms), for the log's latency. */
  readonly receivedAtMs: number;
}
