import { simpleParser, type Headers } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { listenOnLoopback } from './listen-on-loopback.js';

/** A message the inbox accepted, parsed by mailparser. */
export interface ReceivedMail {
  /** MAIL FROM and RCPT TO as the client sent them. */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** The user the session authenticated as, when it did. */
  readonly authUser: string | undefined;
  /** Each header's unfolded text by lower-case name (the first one of a repeated header). */
  readonly headers: Readonly<Record<string, string>>;
  /** mailparser's structured headers (addresses, dates, content types). */
  readonly parsedHeaders: Headers;
  readonly subject: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly messageId: string | undefined;
  readonly text: string | undefined;
  /** False when the message has no HTML part. */
  readonly html: string | false;
  readonly raw: string;
}

/** An SMTP stage a programmed refusal applies to. */
export type SmtpStage = 'MAIL' | 'RCPT' | 'DATA';

/** A refusal: the reply `code` (e.g. 550, 451, 421) with `message` at `stage`. */
export interface SmtpRefusal {
  readonly stage: SmtpStage;
  readonly code: number;
  readonly message?: string;
}

export interface SmtpInboxOptions {
  /** Require AUTH (PLAIN or LOGIN, over plain text) with these credentials; without it, no auth is offered or needed. */
  readonly auth?: { readonly user: string; readonly pass: string };
}

export interface SmtpInbox {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Accepted messages, in order; a message is here before its 250 reply is sent. */
  readonly received: ReceivedMail[];
  /** Refuses every RCPT TO of `address` (case-insensitive) with `code`, e.g. 550 "No such user". */
  rejectRecipient(address: string, code: number, message?: string): void;
  /** Refuses the next `n` commands of `refusal.stage` (one queue per stage). */
  failNext(n: number, refusal: SmtpRefusal): void;
  /** SMTP sessions open right now (a pooled client keeps its connections open between messages). */
  sessionCount(): number;
  /** Ends every session and stops listening. */
  close(): Promise<void>;
}

/**
 * A real SMTP server (smtp-server) on 127.0.0.1, port 0, without TLS, recording each message it
 * accepts as mailparser's simpleParser reads it.
 */
export async function startSmtpInbox(options: SmtpInboxOptions = {}): Promise<SmtpInbox> {
  const received: ReceivedMail[] = [];
  const rejectedRecipients = new Map<string, { code: number; message: string }>();
  const pending: Record<SmtpStage, SmtpRefusal[]> = { MAIL: [], RCPT: [], DATA: [] };
  const { auth } = options;

  const refusal = (stage: SmtpStage): Error | null => {
    const next = pending[stage].shift();
    return next === undefined ? null : smtpError(next.code, next.message ?? `Refused at ${stage} by the stand-in`);
  };

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
    authOptional: auth === undefined,
    allowInsecureAuth: true,
    closeTimeout: 1_000,
    onAuth(credentials, _session, callback) {
      if (auth !== undefined && credentials.username === auth.user && credentials.password === auth.pass) return callback(null, { user: auth.user });
      callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(_address, _session, callback) {
      callback(refusal('MAIL'));
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const rejected = rejectedRecipients.get(address.address.toLowerCase());
      callback(rejected === undefined ? refusal('RCPT') : smtpError(rejected.code, rejected.message));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refused = refusal('DATA');
        if (refused !== null) return callback(refused);
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              envelope: {
                from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
                to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              },
              authUser: typeof session.user === 'string' ? session.user : undefined,
              headers: headerTexts(parsed.headerLines),
              parsedHeaders: parsed.headers,
              subject: parsed.subject,
              from: parsed.from?.text,
              to: Array.isArray(parsed.to) ? parsed.to.map((to) => to.text).join(', ') : parsed.to?.text,
              messageId: parsed.messageId,
              text: parsed.text,
              html: parsed.html ?? false,
              raw: raw.toString('utf8'),
            });
            callback(null, 'Message accepted by the stand-in');
          },
          (error: unknown) => callback(smtpError(554, `The stand-in could not parse the message: ${String(error)}`)),
        );
      });
    },
  });
  const port = await listenOnLoopback(server.server);
  return {
    host: '127.0.0.1',
    port,
    received,
    rejectRecipient: (address, code, message = 'No such user here') => void rejectedRecipients.set(address.toLowerCase(), { code, message }),
    failNext: (n, next) => void pending[next.stage].push(...Array.from({ length: n }, () => next)),
    sessionCount: () => server.connections.size,
    close: () =>
      new Promise((resolve) => {
        for (const connection of server.connections) connection.close();
        server.close(() => resolve());
      }),
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function headerTexts(lines: ReadonlyArray<{ readonly key: string; readonly line: string }>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (key in headers) continue;
    headers[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return headers;
}
