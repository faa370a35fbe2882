import { Type } from 'typebox';

/** A Slack member id: U… (or W… on Enterprise Grid). Posting to one sends a direct message. */
export const slackUserIdPattern = '^[UW][A-Z0-9]{2,}$';

/** What a user override's or a default's `config` may hold for Slack. */
export const SlackConfigSchema = Type.Object(
  {
    /** A channel id (C…), a member id (a DM) or a #name; wins over `slack_user_id` as the destination. */
    channel: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S+$' })),
    /** The user's Slack member id: the DM destination without `channel`, and who `mention_user` mentions (else the profile's). */
    slack_user_id: Type.Optional(Type.String({ pattern: slackUserIdPattern })),
    /** Post into the thread named by the message data's `thread_ts` (or `slack.thread_ts`). */
    thread_replies: Type.Optional(Type.Boolean()),
    /** Start the message with `<@member id>`. */
    mention_user: Type.Optional(Type.Boolean()),
    /** Add a context line naming the agent the message came from. */
    include_agent_info: Type.Optional(Type.Boolean()),
    /** A bot token (xoxb-…) of the user's own workspace, used instead of the system's. */
    bot_token: Type.Optional(Type.String({ minLength: 1 })),
    /** An incoming-webhook URL; wins over every token. */
    webhook_url: Type.Optional(Type.String({ pattern: '^https?://' })),
  },
  { additionalProperties: false },
);

/** Encrypted at rest, never returned by the API. */
export const slackSecretKeys: readonly string[] = ['bot_token', 'webhook_url'];
