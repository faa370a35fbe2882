import type { AttemptSignal } from './attempt-signal.js';
import type { SendFailure } from './send-failure.js';

/** The fields nodemailer sets on the errors it hands back (`NodemailerError`). */
interface SmtpError {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly originalCode?: unknown;
  readonly responseCode?: unknown;
  readonly response?: unknown;
  readonly command?: unknown;
}

/** nodemailer codes of a connection that could not be made or was lost: nothing was refused. */
const connectionCodes: ReadonlySet<string> = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'EPROXY', 'ETLS']);

/**
 * The failure a nodemailer error is. An SMTP reply decides by its class: 5yz permanent
 * (`smtp_550`, a rejected recipient), 4yz retryable (`smtp_451`), except 503 (bad sequence of
 * commands), which says the session was in the wrong state rather than that the message was
 * refused. Failed authentication is permanent (`smtp_auth_failed`); connection, TLS, DNS and
 * timeouts are retryable. Messages carry the server's reply, never the credentials.
 */
export function smtpErrorFailure(thrown: unknown, attempt: AttemptSignal): SendFailure {
  const aborted = attempt.abortFailure();
  if (aborted !== undefined) return aborted;
  const error = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as SmtpError;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const responseCode = typeof error.responseCode === 'number' ? error.responseCode : undefined;
  const reply = typeof error.response === 'string' ? oneLine(error.response) : '';

  if (code === 'EAUTH' || code === 'ENOAUTH') {
    const detail = code === 'ENOAUTH' ? 'the server requires credentials and none are set' : reply || 'credentials refused';
    return { kind: 'failed', retryable: false, code: 'smtp_auth_failed', message: `SMTP authentication failed: ${detail}`, statusCode: responseCode };
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    const retryable = responseCode < 500 || responseCode === 503;
    const command = typeof error.command === 'string' ? ` after ${error.command.split(' ')[0]}` : '';
    return { kind: 'failed', retryable, code: `smtp_${responseCode}`, message: `SMTP ${responseCode}${command} (${retryable ? 'retryable' : 'permanent'}): ${reply}`, statusCode: responseCode };
  }
  if (code === 'ETIMEDOUT') return { kind: 'failed', retryable: true, code: 'timeout', message: 'the SMTP server did not answer in time' };
  if (code !== undefined && connectionCodes.has(code)) {
    const original = typeof error.originalCode === 'string' ? `/${error.originalCode}` : '';
    return { kind: 'failed', retryable: true, code: 'connection_failed', message: `SMTP connection failed (${code}${original})` };
  }
  if (code === 'EABORT') return { kind: 'failed', retryable: true, code: 'aborted', message: 'the SMTP send was aborted' };
  if (code === 'EENVELOPE') return { kind: 'failed', retryable: false, code: 'smtp_envelope_invalid', message: `invalid envelope: ${oneLine(String(error.message ?? ''))}` };
  const name = code ?? (typeof error.name === 'string' ? error.name : 'error');
  return { kind: 'failed', retryable: true, code: 'smtp_error', message: `SMTP send failed (${name}): ${oneLine(String(error.message ?? ''))}` };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}
