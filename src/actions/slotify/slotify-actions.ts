import type { ActionsConfig } from '../../config/actions-config-schema.js';
import type { Action, ActionContext, AnyAction } from '../action.js';
import type { JsonService } from '../service-client/call-json-service.js';
import { createApiKeyService } from '../service-client/create-api-key-service.js';
import { notConfiguredError } from '../service-client/not-configured-error.js';
import {
  CancelMeetingInputSchema,
  CreatedMeetingSchema,
  CreateMeetingInputSchema,
  GetMeetingInputSchema,
  ListMeetingsInputSchema,
  ListMeetingsOutputSchema,
  UpdateMeetingInputSchema,
  type CancelMeetingInput,
  type CreateMeetingInput,
  type GetMeetingInput,
  type ListMeetingsInput,
  type UpdateMeetingInput,
} from './slotify-action-schemas.js';
import { createSlotifyClient, type CreatedSlotifyMeeting, type SlotifyCall, type SlotifyClient, type SlotifyMeeting } from './slotify-client.js';
import { SlotifyMeetingSchema } from './slotify-meeting.js';

export interface SlotifyActionsOptions {
  readonly settings: ActionsConfig['slotify'];
  /**
   * The service to call. When absent it is built from `settings` (its connection pool then lives as
   * long as the process; idle connections do not keep it alive). Pass one to own its lifecycle.
   */
  readonly service?: JsonService | undefined;
}

/**
 * The `slotify.*` actions. Each passes the step's idempotency key to Slotify and throws
 * `ServiceError` on failure (retryable or not, as the run engine reads it). Without
 * `actions.slotify.base_url` (and no `service`), every call throws `not_configured`.
 */
export function createSlotifyActions(options: SlotifyActionsOptions): AnyAction[] {
  const service = options.service ?? createApiKeyService('slotify', options.settings);
  const client = service === undefined ? undefined : createSlotifyClient(service);
  const slotify = (): SlotifyClient => {
    if (client === undefined) throw notConfiguredError('slotify', 'actions.slotify.base_url', 'SLOTIFY_API_URL');
    return client;
  };
  const call = (ctx: ActionContext): SlotifyCall => ({ idempotencyKey: ctx.idempotencyKey });

  const createMeeting: Action<CreateMeetingInput, CreatedSlotifyMeeting> = {
    name: 'slotify.create_meeting',
    description: 'Schedules a Slotify meeting (title, time, duration, attendees, alert reference) and returns it with its link.',
    inputSchema: CreateMeetingInputSchema,
    outputSchema: CreatedMeetingSchema,
    run: async (ctx, input) => {
      const { idempotency_key: idempotencyKey, ...meeting } = input;
      return slotify().createMeeting({ ...meeting, attendees: meeting.attendees ?? [] }, { idempotencyKey: idempotencyKey ?? ctx.idempotencyKey });
    },
  };
  const getMeeting: Action<GetMeetingInput, SlotifyMeeting> = {
    name: 'slotify.get_meeting',
    description: 'Reads one Slotify meeting by id.',
    inputSchema: GetMeetingInputSchema,
    outputSchema: SlotifyMeetingSchema,
    run: async (ctx, input) => slotify().getMeeting(input.meeting_id, call(ctx)),
  };
  const updateMeeting: Action<UpdateMeetingInput, SlotifyMeeting> = {
    name: 'slotify.update_meeting',
    description: 'Changes the given fields of a Slotify meeting (title, description, time, duration, attendees, status).',
    inputSchema: UpdateMeetingInputSchema,
    outputSchema: SlotifyMeetingSchema,
    run: async (ctx, { meeting_id: meetingId, ...changes }) => slotify().updateMeeting(meetingId, changes, call(ctx)),
  };
  const cancelMeeting: Action<CancelMeetingInput, SlotifyMeeting> = {
    name: 'slotify.cancel_meeting',
    description: 'Cancels a Slotify meeting, with an optional reason.',
    inputSchema: CancelMeetingInputSchema,
    outputSchema: SlotifyMeetingSchema,
    run: async (ctx, input) => slotify().cancelMeeting(input.meeting_id, input.reason, call(ctx)),
  };
  const listMeetings: Action<ListMeetingsInput, { meetings: SlotifyMeeting[] }> = {
    name: 'slotify.list_meetings',
    description: 'Lists Slotify meetings, filtered by alert reference and status.',
    inputSchema: ListMeetingsInputSchema,
    outputSchema: ListMeetingsOutputSchema,
    run: async (ctx, input) => ({ meetings: await slotify().listMeetings(input, call(ctx)) }),
  };
  return [createMeeting, getMeeting, updateMeeting, cancelMeeting, listMeetings];
}
