import { Type } from 'typebox';

/** User ids are free-form (emails, `john.doe`), without whitespace or slashes, as in the delivery API. */
const UserId = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' });
/** `calendly` or `whatsapp`, in any case; checked by the route so an unknown one gets a message naming the known ones. */
const PlatformText = Type.String({ minLength: 1, maxLength: 32 });
const Key = { minLength: 1, maxLength: 64 };

export const PlatformParams = Type.Object({ platform: PlatformText });
export const UserIdQuery = Type.Object({ user_id: UserId });

/**
 * PUT /api/integrations/{platform}: `credentials` (secrets, strings: `access_token`…) replace the
 * stored ones when given and are encrypted at rest; `settings` merge key by key, null removing a key.
 * Credential values are checked to be strings by the route, not here: the app's ajv coerces types,
 * and a token must not be stored as the text of a number someone sent by mistake.
 */
export const ConnectPlatformBody = Type.Object(
  {
    user_id: UserId,
    credentials: Type.Optional(Type.Record(Type.String(Key), Type.Unknown(), { maxProperties: 20 })),
    settings: Type.Optional(Type.Record(Type.String(Key), Type.Unknown(), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);
