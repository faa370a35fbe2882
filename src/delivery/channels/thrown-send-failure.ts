import type { AttemptSignal } from './attempt-signal.js';
import type { SendFailure } from './send-failure.js';

/** Socket-level error codes (Node and undici): the peer could not be reached or dropped the connection. */
const connectionCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/** undici's own time limits (the dispatcher's connect, headers and body timeouts). */
const timeoutCodes: ReadonlySet<string> = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** `AddressNotAllowedError`'s code (src/delivery/outbound): a user-given URL's host is not a public address. */
const addressNotAllowed = 'ERR_ADDRESS_NOT_ALLOWED';

/**
 * The failure an HTTP request that threw is. Retryable, since nothing was answered and so nothing
 * says the destination refused the message, except a host the outbound dispatcher refuses
 * (`address_not_allowed`). The message names the error code, never the URL (a webhook URL carries
 * its secret in the path).
 */
export function thrownSendFailure(thrown: unknown, attempt: AttemptSignal): SendFailure {
  const aborted = attempt.abortFailure();
  if (aborted !== undefined) return aborted;
  const code = errorCode(thrown);
  if (code === addressNotAllowed) {
    // The outbound dispatcher for user-given URLs refused a private address: retrying reaches the same address.
    const text = thrown instanceof Error ? thrown.message : 'the address is not allowed';
    return { kind: 'failed', retryable: false, code: 'address_not_allowed', message: text.replace(/\bhttps?:\/\/\S+/gi, '[url]') };
  }
  if (code !== undefined && timeoutCodes.has(code)) return { kind: 'failed', retryable: true, code: 'timeout', message: `no answer in time (${code})` };
  if (code !== undefined && connectionCodes.has(code)) return { kind: 'failed', retryable: true, code: 'connection_failed', message: `connection failed (${code})` };
  return { kind: 'failed', retryable: true, code: 'request_failed', message: `request failed: ${describe(thrown, code)}` };
}

/** The first `code` along the error's `cause` chain. */
function errorCode(thrown: unknown): string | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(thrown: unknown, code: string | undefined): string {
  const name = thrown instanceof Error ? thrown.name : typeof thrown;
  const text = thrown instanceof Error ? thrown.message.replace(/\bhttps?:\/\/\S+/gi, '[url]').slice(0, 200) : '';
  return [name, code === undefined ? '' : `(${code})`, text === '' ? '' : `: ${text}`].join(' ').replace(/\s+:/, ':').trim();
}
