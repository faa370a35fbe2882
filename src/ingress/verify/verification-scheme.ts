/**
 * The contract every signature scheme implements. A scheme verifies the raw request bytes exactly
 * as received (never re-serialized JSON), compares in constant time, and reads the clock only
 * through the `nowMs` it is given.
 */

/** What a scheme sees of an inbound request. Header names are lower-case; repeated headers are joined with ", ". */
export interface VerificationRequest {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The full URL the sender called (scheme, host, path and query), as Twilio signs it. */
  readonly url: string;
  /** The media type without parameters, lower-case (e.g. `application/json`), or '' when absent. */
  readonly contentType: string;
}

/** Why verification refused a request; each maps to one entry of the API error catalog (401). */
export type VerificationFailureCode =
  | 'signature_missing'
  | 'signature_invalid'
  | 'timestamp_out_of_window'
  | 'api_key_invalid';

export type VerificationResult =
  | {
      readonly ok: true;
      /** A delivery id the provider guarantees stable across retries (webhook-id, X-GitHub-Delivery, …), when the scheme has one. */
      readonly idempotencyKey?: string | undefined;
      /** The event type the provider names in its headers or signed envelope, when the scheme has one. */
      readonly eventType?: string | undefined;
      /** Provider headers worth keeping on the event envelope (lower-case names, never secrets or signatures). */
      readonly keptHeaders?: Readonly<Record<string, string>> | undefined;
      /**
       * Set when the verified request is the provider's subscription handshake rather than an event
       * (Slack's `url_verification`): the receiver answers 200 with this body and stores no event.
       */
      readonly handshake?: { readonly contentType: string; readonly body: string } | undefined;
    }
  | { readonly ok: false; readonly code: VerificationFailureCode; readonly message: string };

/** Result of validating the `verification` options given at registration. */
export type OptionsParseResult<O> = { readonly ok: true; readonly options: O } | { readonly ok: false; readonly message: string };

/** What `sign` needs besides the body: the URL for URL-signing schemes, and a message id for schemes that carry one. */
export interface SigningContext {
  readonly url: string;
  readonly messageId: string;
  readonly nowMs: number;
  /** Parsed form parameters, for schemes that sign them (Twilio). */
  readonly formParams?: Readonly<Record<string, string>> | undefined;
}

export interface VerificationScheme<O = unknown> {
  readonly name: string;
  /** One line for docs and `GET /integration/webhooks`. */
  readonly description: string;
  /** Whether the scheme needs a shared secret (false for `none`; `api-key` uses the endpoint's api_key). */
  readonly usesSecret: boolean;
  /** The body format the provider sends, when it is not JSON (Twilio posts forms); test samples use it. */
  readonly sampleContentType?: 'application/x-www-form-urlencoded';
  /**
   * The status an accepted webhook is answered with when the provider counts only that one as
   * delivered (Meta retries anything but 200); otherwise 202.
   */
  readonly acceptedStatus?: 200;
  /** Validates and fills defaults for the options given at registration (everything in `verification` except `scheme`). */
  parseOptions(raw: Readonly<Record<string, unknown>>): OptionsParseResult<O>;
  /**
   * Verifies one request against every currently valid secret (the newest first; during a rotation's
   * grace period the previous secret is also listed). Returns a value, never throws for bad input.
   */
  verify(request: VerificationRequest, secrets: readonly string[], options: O, nowMs: number): VerificationResult;
  /** Produces the headers a sender would add to sign `body` with `secret` (used by `switchboard sign` and the test endpoint). */
  sign(body: Buffer, secret: string, options: O, context: SigningContext): Record<string, string>;
}
