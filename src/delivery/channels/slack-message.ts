import type { OutboundMessage } from './channel.js';
import { readAgentName } from './read-agent-name.js';

/** How a user's Slack messages look, from their config. */
export interface SlackPresentation {
  /** Mention this member at the start (`mention_user` and a known member id). */
  readonly mentionUserId?: string | undefined;
  readonly threadReplies: boolean;
  readonly includeAgentInfo: boolean;
}

/** The message fields of chat.postMessage and of an incoming webhook's payload. */
export interface SlackMessagePayload {
  /** The plain fallback: notifications, screen readers, clients without blocks. */
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
  readonly thread_ts?: string;
}

/** Slack's limits: 3,000 characters of a section's text, 50 blocks, 40,000 characters of `text`. */
const sectionLimit = 3_000;
const maxSections = 49;
const textLimit = 40_000;

/**
 * The Slack rendering of a message: the subject in bold, then the body, as mrkdwn with `&`, `<`
 * and `>` escaped (so a body can neither mention `<!channel>` nor forge a link), in Block Kit
 * sections plus a plain `text` fallback; a mention first when asked for, a context block naming
 * the agent, and `thread_ts` from the data when replies go to threads.
 */
export function buildSlackMessage(message: OutboundMessage, presentation: SlackPresentation): SlackMessagePayload {
  const mention = presentation.mentionUserId === undefined ? '' : `<@${presentation.mentionUserId}> `;
  const subject = message.subject?.trim() ?? '';
  const headline = subject === '' ? '' : `*${escapeMrkdwn(subject)}*`;
  const body = escapeMrkdwn(message.body.trim());
  const mrkdwn = `${mention}${[headline, body].filter((piece) => piece !== '').join('\n')}`;
  const agent = presentation.includeAgentInfo ? readAgentName(message.data) : undefined;

  const blocks: Record<string, unknown>[] = chunkMrkdwn(mrkdwn, sectionLimit, maxSections).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
  if (agent !== undefined) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Agent: *${escapeMrkdwn(agent)}*` }] });
  const text = truncate(agent === undefined ? mrkdwn : `${mrkdwn}\nAgent: ${escapeMrkdwn(agent)}`, textLimit);
  const threadTs = presentation.threadReplies ? readThreadTs(message.data) : undefined;
  return { text, blocks, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) };
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The thread to reply in: the data's `thread_ts`, else its `slack.thread_ts`, when it is a Slack timestamp. */
function readThreadTs(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const nested = typeof record.slack === 'object' && record.slack !== null ? (record.slack as Record<string, unknown>).thread_ts : undefined;
  for (const candidate of [record.thread_ts, nested]) {
    if (typeof candidate === 'string' && /^\d+(\.\d+)?$/.test(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Cuts escaped mrkdwn into chunks of at most `limit` characters, preferring a line break, then a
 * space, and never inside an `&…;` entity; past `maxChunks` the last chunk ends with `…`.
 */
function chunkMrkdwn(text: string, limit: number, maxChunks: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit && chunks.length < maxChunks - 1) {
    const window = rest.slice(0, limit + 1);
    const newline = window.lastIndexOf('\n');
    let cut = newline > limit / 2 ? newline : Math.max(newline, window.lastIndexOf(' '));
    if (cut <= 0) {
      cut = limit;
      const entity = rest.lastIndexOf('&', cut - 1);
      if (entity > cut - 5 && !rest.slice(entity, cut).includes(';')) cut = entity;
    }
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  chunks.push(truncate(rest, limit));
  return chunks.filter((chunk) => chunk !== '');
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
