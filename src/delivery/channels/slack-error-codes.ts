import type { SendFailure } from './send-failure.js';

/**
 * Slack's `ok:false` errors by whether trying again can help. Permanent: the channel, the token
 * or the message is wrong and stays wrong until someone changes it. Retryable: Slack is busy or
 * failing. An error not listed here is retryable (Slack adds codes; a new one should not lose a
 * message), which leaves it to the retry limit and the breaker.
 */
export const slackErrorClasses: Readonly<Record<string, 'permanent' | 'retryable'>> = {
  // Where the message goes
  channel_not_found: 'permanent',
  not_in_channel: 'permanent',
  is_archived: 'permanent',
  channel_is_archived: 'permanent',
  user_not_found: 'permanent',
  user_disabled: 'permanent',
  cannot_dm_bot: 'permanent',
  restricted_action: 'permanent',
  restricted_action_read_only_channel: 'permanent',
  restricted_action_thread_only_channel: 'permanent',
  restricted_action_non_threadable_channel: 'permanent',
  posting_to_general_channel_denied: 'permanent',
  team_access_not_granted: 'permanent',
  ekm_access_denied: 'permanent',
  // The token and its permissions
  invalid_auth: 'permanent',
  not_authed: 'permanent',
  account_inactive: 'permanent',
  token_revoked: 'permanent',
  token_expired: 'permanent',
  no_permission: 'permanent',
  missing_scope: 'permanent',
  not_allowed_token_type: 'permanent',
  access_denied: 'permanent',
  two_factor_setup_required: 'permanent',
  team_disabled: 'permanent',
  invalid_token: 'permanent',
  action_prohibited: 'permanent',
  no_service: 'permanent',
  no_service_id: 'permanent',
  no_team: 'permanent',
  // The message itself
  msg_too_long: 'permanent',
  no_text: 'permanent',
  invalid_blocks: 'permanent',
  invalid_blocks_format: 'permanent',
  invalid_attachments: 'permanent',
  too_many_attachments: 'permanent',
  invalid_metadata_format: 'permanent',
  invalid_metadata_schema: 'permanent',
  metadata_too_large: 'permanent',
  invalid_payload: 'permanent',
  invalid_arguments: 'permanent',
  invalid_arg_name: 'permanent',
  invalid_array_arg: 'permanent',
  invalid_charset: 'permanent',
  invalid_form_data: 'permanent',
  invalid_post_type: 'permanent',
  missing_post_type: 'permanent',
  invalid_json: 'permanent',
  json_not_object: 'permanent',
  as_user_not_supported: 'permanent',
  method_deprecated: 'permanent',
  deprecated_endpoint: 'permanent',
  unknown_method: 'permanent',
  // Slack is busy or failing
  ratelimited: 'retryable',
  rate_limited: 'retryable',
  message_limit_exceeded: 'retryable',
  service_unavailable: 'retryable',
  internal_error: 'retryable',
  fatal_error: 'retryable',
  request_timeout: 'retryable',
  team_added_to_org: 'retryable',
};

/** An error token as Slack writes them; anything else is not echoed into codes. */
const slackErrorToken = /^[a-z][a-z0-9_]{0,63}$/;

/** The Slack error a text names (`channel_not_found`), when it is one token. */
export function readSlackErrorToken(text: string): string | undefined {
  const trimmed = text.trim();
  return slackErrorToken.test(trimmed) ? trimmed : undefined;
}

/** The failure a Web API `{ok:false, error}` answer is, classified by `slackErrorClasses`; code `slack_<error>`. */
export function slackApiErrorFailure(method: string, error: string, statusCode: number, retryAfterMs: number | undefined, detail = ''): SendFailure {
  const token = readSlackErrorToken(error) ?? 'unknown_error';
  const retryable = slackErrorClasses[token] !== 'permanent';
  return {
    kind: 'failed',
    retryable,
    code: `slack_${token}`,
    message: `Slack ${method}: ${token}${detail === '' ? '' : ` (${detail})`}, ${retryable ? 'retryable' : 'permanent'}`,
    statusCode,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}
