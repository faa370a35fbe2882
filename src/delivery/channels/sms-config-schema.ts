import { Type } from 'typebox';

/** E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const e164Pattern = '^\\+[1-9]\\d{6,14}$';

/** What a user override's or a default's `config` may hold for SMS. */
export const SmsConfigSchema = Type.Object(
  {
    /** Where messages go (E.164); the profile's phone when absent. */
    phone_number: Type.Optional(Type.String({ pattern: e164Pattern })),
    /** Append a line naming the agent the message came from. */
    include_agent_info: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** SMS config holds no secrets: the Twilio credentials are system settings. */
export const smsSecretKeys: readonly string[] = [];
