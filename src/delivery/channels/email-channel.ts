import { createTransport } from 'nodemailer';
import type { DeliveryConfig } from '../../config/delivery-config-schema.js';
import { attemptSignal } from './attempt-signal.js';
import type { Channel, ChannelHealth } from './channel.js';
import { EmailConfigSchema, emailSecretKeys } from './email-config-schema.js';
import { resolveEmailDestination, type EmailDestination } from './email-destination.js';
import { buildEmailMessage } from './email-message.js';
import { smtpErrorFailure } from './smtp-error-failure.js';

/** What `createEmailChannel` is built from. */
export interface EmailChannelOptions {
  readonly settings: DeliveryConfig['email'];
}

/**
 * Email over SMTP through one pooled nodemailer transport (`max_connections` connections,
 * `timeout_ms` for connecting, the greeting and each reply). Each send runs under the caller's
 * signal and `timeout_ms`; nodemailer drops an aborted message from the pool queue or closes the
 * connection that was sending it. Aborting cannot prove the server did not accept the message,
 * which is why the Message-ID is the same on every attempt.
 */
export function createEmailChannel(options: EmailChannelOptions): Channel<EmailDestination> {
  const { settings } = options;
  const pool = settings.host === undefined ? undefined : createPool(settings, settings.host);

  return {
    type: 'EMAIL',
    configSchema: EmailConfigSchema,
    secretKeys: emailSecretKeys,

    resolveDestination(target) {
      if (pool === undefined) return { ok: false, code: 'no_address', message: 'Email is not configured (no SMTP host)' };
      return resolveEmailDestination(target);
    },

    breakerKey: () => `email:${settings.host ?? ''}:${settings.port}`,

    async send(message, destination, context) {
      if (pool === undefined) return { kind: 'failed', retryable: false, code: 'not_configured', message: 'Email is not configured (no SMTP host)' };
      const attempt = attemptSignal(context.signal, settings.timeout_ms);
      try {
        const info = await pool.sendMail({ ...buildEmailMessage(message, destination, settings.from, context.nowMs), signal: attempt.signal });
        return { kind: 'sent', statusCode: replyCode(info.response), providerMessageId: info.messageId };
      } catch (thrown) {
        return smtpErrorFailure(thrown, attempt);
      }
    },

    async checkHealth(signal): Promise<ChannelHealth> {
      if (pool === undefined) return { configured: false, healthy: false, message: 'no SMTP host is set' };
      const attempt = attemptSignal(signal, settings.timeout_ms);
      const failure = await untilAborted(pool.verify().then(() => undefined, (thrown: unknown) => smtpErrorFailure(thrown, attempt)), attempt.signal, () => attempt.abortFailure());
      return failure === undefined ? { configured: true, healthy: true } : { configured: true, healthy: false, message: failure.message };
    },

    async close() {
      pool?.close();
    },
  };
}

function createPool(settings: DeliveryConfig['email'], host: string) {
  return createTransport({
    pool: true,
    host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: settings.require_tls,
    ...(settings.user === undefined ? {} : { auth: { user: settings.user, pass: settings.password ?? '' } }),
    maxConnections: settings.max_connections,
    // One requeue when a pooled connection drops mid-send (a server closing an idle connection);
    // anything more is the dispatcher's retry policy, with its backoff and history.
    maxRequeues: 1,
    connectionTimeout: settings.timeout_ms,
    greetingTimeout: settings.timeout_ms,
    socketTimeout: settings.timeout_ms,
    // Messages are built from text only: nothing may make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/** `250` from `250 2.0.0 OK queued as …`. */
function replyCode(response: string | undefined): number | undefined {
  const match = /^(\d{3})/.exec(response ?? '');
  return match === null ? undefined : Number(match[1]);
}

/**
 * `promise`, or what `onAbort` gives once `signal` aborts (verify takes no signal; its own
 * socket timeouts end it later, and its result is then ignored).
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  if (signal.aborted) return Promise.resolve(onAbort());
  return new Promise((resolve) => {
    const abort = () => resolve(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', abort);
      resolve(value);
    });
  });
}
