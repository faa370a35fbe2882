/**
 * What an SMS delivery records between attempts: the Twilio SIDs of the parts already accepted, in
 * order. The next attempt sends only the parts after them, so no accepted part is sent twice.
 */
export interface SmsProgress {
  readonly sent: readonly string[];
}

/** The SIDs an earlier attempt recorded; none when `progress` is absent or not an SMS progress. */
export function readSmsProgress(progress: unknown): readonly string[] {
  if (typeof progress !== 'object' || progress === null) return [];
  const sent = (progress as { sent?: unknown }).sent;
  if (!Array.isArray(sent) || !sent.every((sid) => typeof sid === 'string')) return [];
  return sent as string[];
}
