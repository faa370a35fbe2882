import type { OutboundMessage } from './channel.js';
import type { EmailDestination } from './email-destination.js';
import { readAgentName } from './read-agent-name.js';

/** The fields of one email, as nodemailer's `sendMail` takes them. */
export interface EmailMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** `<deliveryId@domain>`: the same on every attempt, so receiving systems can drop a duplicate. */
  readonly messageId: string;
  readonly date: Date;
  readonly headers: Readonly<Record<string, string>>;
}

const subjectLimit = 78;

/**
 * The email for a message: the subject (or the body's first line), a plain-text body, and for
 * the html format an HTML rendering of the same escaped text with its line breaks as the
 * preferred alternative. The Message-ID and `X-Switchboard-Delivery-Id` come from the delivery id.
 */
export function buildEmailMessage(message: OutboundMessage, destination: EmailDestination, from: string, nowMs: number): EmailMessage {
  const body = message.body.trim();
  const agent = destination.includeAgentInfo ? readAgentName(message.data) : undefined;
  const text = agent === undefined ? body : `${body}\n\n--\nAgent: ${agent}`;
  const deliveryId = message.deliveryId.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '-');
  return {
    from,
    to: destination.to,
    subject: emailSubject(message),
    text,
    ...(destination.format === 'html' ? { html: renderHtml(body, agent) } : {}),
    messageId: `<${deliveryId}@${messageIdDomain(from)}>`,
    date: new Date(nowMs),
    headers: { 'X-Switchboard-Delivery-Id': deliveryId },
  };
}

/** The message's subject, else the first non-blank line of its body, on one line and at most 78 characters. */
function emailSubject(message: OutboundMessage): string {
  const firstLine = message.body.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  const subject = (message.subject?.trim() || firstLine).replace(/\s+/g, ' ').trim();
  if (subject === '') return 'Notification';
  return subject.length > subjectLimit ? `${subject.slice(0, subjectLimit - 1)}…` : subject;
}

/** The domain of the From address, when it has a plausible one. */
function messageIdDomain(from: string): string {
  const address = /<([^<>]*)>\s*$/.exec(from)?.[1] ?? from;
  const domain = address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase();
  return address.includes('@') && /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/.test(domain) ? domain : 'switchboard.local';
}

function renderHtml(body: string, agent: string | undefined): string {
  const paragraphs = body
    .split(/\r?\n\s*\r?\n/)
    .filter((paragraph) => paragraph.trim() !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph.trim()).replace(/\r?\n/g, '<br>\n')}</p>`);
  if (agent !== undefined) paragraphs.push(`<p style="color:#6b7280;font-size:12px">Agent: ${escapeHtml(agent)}</p>`);
  return `<!doctype html>\n<html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.5">\n${paragraphs.join('\n')}\n</body></html>\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
