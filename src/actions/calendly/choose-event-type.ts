import type { CalendlyEventType } from './calendly-client.js';

/** Which event type a link is for: the one chosen, or why none could be. */
export type EventTypeChoice =
  | { readonly ok: true; readonly eventType: CalendlyEventType }
  | { readonly ok: false; readonly reason: 'event_type_not_found' | 'no_event_type'; readonly message: string };

/** Whether `wanted` names an event type by its URI rather than by its name. */
export function isEventTypeUri(wanted: string): boolean {
  return /^https?:\/\//i.test(wanted);
}

/**
 * Picks among a user's active event types: the one whose name (or slug) is `wanted`, compared
 * without case and surrounding spaces; without `wanted`, the first one. A name that matches none
 * is not replaced by another type: a lead offered the wrong kind of meeting is worse off than one
 * given the fallback link.
 */
export function chooseEventType(active: readonly CalendlyEventType[], wanted: string | undefined): EventTypeChoice {
  if (active.length === 0) return { ok: false, reason: 'no_event_type', message: 'the Calendly user has no active event types' };
  if (wanted === undefined) return { ok: true, eventType: active[0] as CalendlyEventType };
  const key = wanted.trim().toLowerCase();
  const match = active.find((eventType) => eventType.name.trim().toLowerCase() === key || eventType.slug?.toLowerCase() === key);
  if (match !== undefined) return { ok: true, eventType: match };
  const names = active.map((eventType) => `"${eventType.name}"`).join(', ');
  return { ok: false, reason: 'event_type_not_found', message: `no active Calendly event type is named "${wanted}" (active: ${names})` };
}
