import type { OutboundMessage } from './channel.js';
import { readAgentName } from './read-agent-name.js';

/** The whole text of an SMS before it is split: `subject\n\nbody`, then the agent line when asked for. */
export function smsText(message: OutboundMessage, includeAgentInfo: boolean): string {
  const subject = message.subject?.trim() ?? '';
  const body = message.body.trim();
  const agent = includeAgentInfo ? readAgentName(message.data) : undefined;
  return [subject, body, agent === undefined ? '' : `Agent: ${agent}`].filter((piece) => piece !== '').join('\n\n');
}
