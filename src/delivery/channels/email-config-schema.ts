import { Type } from 'typebox';
import { emailAddressPattern } from './is-email-address.js';

/** What a user override's or a default's `config` may hold for email. */
export const EmailConfigSchema = Type.Object(
  {
    /** Where messages go; the profile's email when absent. */
    email_address: Type.Optional(Type.String({ minLength: 3, maxLength: 254, pattern: emailAddressPattern })),
    /** `html` (the default): an HTML body with a plain-text alternative; `text`: plain text only. */
    format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('text')])),
    /** Add a line naming the agent the message came from. */
    include_agent_info: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Email config holds no secrets: the SMTP credentials are system settings. */
export const emailSecretKeys: readonly string[] = [];
