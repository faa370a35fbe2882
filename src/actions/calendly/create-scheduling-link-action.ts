import { Type, type Static } from 'typebox';
import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { Action, ActionContext } from '../action.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { createSchedulingLink, getCurrentUser, listEventTypes } from './calendly-client.js';
import { CalendlyFallbackReasonSchema, calendlyDegradation, unexpectedFallbackReasons, type CalendlyFallbackReason } from './calendly-fallback.js';
import { chooseEventType, isEventTypeUri, type EventTypeChoice } from './choose-event-type.js';
import { withLeadTracking } from './with-lead-tracking.js';

export const CreateSchedulingLinkInputSchema = Type.Object({
  /** Whose Calendly account the link is for: their own token, else `actions.calendly.access_token`. */
  user_id: Type.String({ minLength: 1 }),
  /** When given, the booking URL carries `utm_source=switchboard&utm_content=<lead_id>` so invitee events name the lead. */
  lead_id: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Integer()])),
  /** An event type URI, or the name (or slug) of one of the user's active event types. Default: the user's setting, else their first active type. */
  event_type: Type.Optional(Type.String({ minLength: 1 })),
});
export type CreateSchedulingLinkInput = Static<typeof CreateSchedulingLinkInputSchema>;

export const CreateSchedulingLinkOutputSchema = Type.Object({
  booking_url: Type.String({ pattern: '^https?://' }),
  /** true: Calendly was not configured or failing, and `booking_url` is `actions.calendly.fallback_url`. */
  fallback: Type.Boolean(),
  /** The event type's URI, when one was chosen. */
  event_type: Type.Optional(Type.String()),
  event_type_name: Type.Optional(Type.String()),
  /** Seconds until Calendly may answer again (Retry-After, or the open breaker's wait), when known. */
  retry_after: Type.Optional(Type.Integer({ minimum: 0 })),
  reason: Type.Optional(CalendlyFallbackReasonSchema),
  /** What went wrong, for people (no tokens in it). */
  message: Type.Optional(Type.String()),
});
export type CreateSchedulingLinkOutput = Static<typeof CreateSchedulingLinkOutputSchema>;

/** A user's stored Calendly settings (PUT /api/integrations/calendly). */
export interface CalendlyCredentials {
  readonly access_token?: string | undefined;
  /** An event type URI, or the name of one of the user's event types. */
  readonly event_type?: string | undefined;
}

export interface CreateSchedulingLinkDeps {
  readonly settings: ActionsConfig['calendly'];
  readonly service: JsonService;
  readonly credentials: (userId: string) => Promise<CalendlyCredentials | undefined>;
  /** Counts a link made for the user (links_created); a failure here is logged, never fails the step. */
  readonly recordLink?: ((userId: string) => Promise<void>) | undefined;
}

/**
 * `calendly.create_scheduling_link`: a single-use Calendly link for a lead. Calendly being
 * unconfigured or failing is an outcome (`fallback: true` with the fallback link and a `reason`),
 * never a failed step: only bugs throw, and a failure to read the user's credentials (the store)
 * throws so the run engine retries it.
 */
export function createSchedulingLinkAction(deps: CreateSchedulingLinkDeps): Action<CreateSchedulingLinkInput, CreateSchedulingLinkOutput> {
  return {
    name: 'calendly.create_scheduling_link',
    description:
      "Creates a single-use Calendly scheduling link for the user's event type (by URI or name; default the first active one), tagged with the lead id for invitee webhooks. When Calendly is not configured or failing, answers the fallback link with fallback: true, a reason and retry_after.",
    inputSchema: CreateSchedulingLinkInputSchema,
    outputSchema: CreateSchedulingLinkOutputSchema,
    run: (ctx, input) => createLinkForLead(deps, ctx, input),
  };
}

/** The event type a link is (or was going to be) for. */
interface LinkTarget {
  readonly uri: string;
  readonly name?: string | undefined;
}

/** Fallbacks that last only while Calendly is struggling: they say when to try again. */
const transientReasons: ReadonlySet<CalendlyFallbackReason> = new Set(['rate_limited', 'circuit_open', 'unavailable']);

async function createLinkForLead(deps: CreateSchedulingLinkDeps, ctx: ActionContext, input: CreateSchedulingLinkInput): Promise<CreateSchedulingLinkOutput> {
  const leadId = input.lead_id === undefined ? undefined : String(input.lead_id);
  const stored = await deps.credentials(input.user_id);
  const token = stored?.access_token ?? deps.settings.access_token;
  const fallback = (reason: CalendlyFallbackReason, message: string, retryAfterMs?: number, target?: LinkTarget): CreateSchedulingLinkOutput => {
    const fields = { action: 'calendly.create_scheduling_link', user_id: input.user_id, reason };
    // Seconds until Calendly may answer again: its Retry-After when it sent one, else (while it is
    // struggling) when this process's breaker lets a call through again.
    const retryAfter =
      retryAfterMs !== undefined ? Math.ceil(retryAfterMs / 1000) : transientReasons.has(reason) ? Math.ceil(deps.settings.breaker.half_open_after_ms / 1000) : undefined;
    if (unexpectedFallbackReasons.has(reason)) ctx.logger.error(fields, `Calendly link falls back: ${message}`);
    else ctx.logger.warn(fields, `Calendly link falls back: ${message}`);
    return {
      booking_url: withLeadTracking(deps.settings.fallback_url, leadId),
      fallback: true,
      ...describeTarget(target),
      ...(retryAfter === undefined ? {} : { retry_after: retryAfter }),
      reason,
      message,
    };
  };
  if (token === undefined) return fallback('not_configured', 'no Calendly access token for this user and no actions.calendly.access_token');

  let target: LinkTarget | undefined;
  try {
    const wanted = input.event_type ?? stored?.event_type;
    if (wanted !== undefined && isEventTypeUri(wanted)) target = { uri: wanted };
    else {
      const choice = await chooseUsersEventType(deps.service, token, wanted);
      if (!choice.ok) return fallback(choice.reason, choice.message);
      target = { uri: choice.eventType.uri, name: choice.eventType.name };
    }
    const link = await createSchedulingLink(deps.service, token, target.uri, { idempotencyKey: ctx.idempotencyKey });
    await recordLinkFor(deps, ctx, input.user_id);
    return { booking_url: withLeadTracking(link.booking_url, leadId), fallback: false, ...describeTarget(target) };
  } catch (thrown) {
    const degradation = calendlyDegradation(thrown);
    if (degradation === undefined) throw thrown;
    return fallback(degradation.reason, degradation.message, degradation.retryAfterMs, target);
  }
}

function describeTarget(target: LinkTarget | undefined): Pick<CreateSchedulingLinkOutput, 'event_type' | 'event_type_name'> {
  if (target === undefined) return {};
  return target.name === undefined ? { event_type: target.uri } : { event_type: target.uri, event_type_name: target.name };
}

async function chooseUsersEventType(service: JsonService, token: string, wanted: string | undefined): Promise<EventTypeChoice> {
  const user = await getCurrentUser(service, token);
  return chooseEventType(await listEventTypes(service, token, user.uri), wanted);
}

async function recordLinkFor(deps: CreateSchedulingLinkDeps, ctx: ActionContext, userId: string): Promise<void> {
  if (deps.recordLink === undefined) return;
  try {
    await deps.recordLink(userId);
  } catch (thrown) {
    // The link exists and Calendly has no idempotency: failing the step would make a second one for a counter.
    ctx.logger.warn({ err: thrown, user_id: userId }, 'could not record the Calendly link in the user stats');
  }
}
