const maxAgentNameLength = 100;

/**
 * The agent a message came from, for channels configured with `include_agent_info`: the
 * message data's `agent_name`, `agent` (a name, or an object with a `name`) or `agent_id`, in
 * that order. Undefined when the data names none.
 */
export function readAgentName(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as Record<string, unknown>;
  const agent = record.agent;
  const candidates = [
    record.agent_name,
    agent,
    typeof agent === 'object' && agent !== null ? (agent as Record<string, unknown>).name : undefined,
    record.agent_id,
  ];
  for (const candidate of candidates) {
    const text = typeof candidate === 'number' && Number.isFinite(candidate) ? String(candidate) : candidate;
    if (typeof text !== 'string') continue;
    const name = text.replace(/\s+/g, ' ').trim();
    if (name !== '') return name.length > maxAgentNameLength ? `${name.slice(0, maxAgentNameLength - 1)}…` : name;
  }
  return undefined;
}
