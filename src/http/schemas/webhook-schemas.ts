import { Type } from 'typebox';
import { DEFAULT_PAGE_LIMIT } from '../cursor.js';

const ValueSource = Type.Union([
  Type.Object({ header: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }) }, { additionalProperties: false }),
  Type.Object({ json_pointer: Type.String({ maxLength: 500, pattern: '^(/.*)?$' }) }, { additionalProperties: false }),
]);

const RateLimit = Type.Object(
  { requests: Type.Integer({ minimum: 1, maximum: 1_000_000 }), per_seconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }) },
  { additionalProperties: false },
);

export const EndpointIdParams = Type.Object({
  endpoint_id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' }),
});

/** `POST /integration/webhooks/register`: seed 002's body plus verification and ingress controls. */
export const RegisterEndpointBody = Type.Object(
  {
    endpoint_id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$', description: 'Unique id; also the event source.' }),
    url: Type.Optional(Type.String({ maxLength: 2048, description: 'The sender\'s URL or a note of where events come from (informational).' })),
    secret: Type.Optional(Type.String({ minLength: 8, maxLength: 1024, description: 'Shared signing secret; generated (whsec_…) when omitted.' })),
    events: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 500, description: 'Accepted event types (globs); others are acknowledged and ignored.' })),
    retry_config: Type.Optional(
      Type.Object(
        {
          max_attempts: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
          retry_delays: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { maxItems: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    verification: Type.Optional(
      Type.Object({ scheme: Type.String({ minLength: 1 }) }, { additionalProperties: true, description: 'Scheme name plus its options (docs/verification.md).' }),
    ),
    api_key: Type.Optional(Type.String({ minLength: 8, maxLength: 1024, description: 'Second factor checked in X-API-Key; stored hashed.' })),
    verify_token: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'Meta/WhatsApp subscription check: GET with hub.mode=subscribe and this hub.verify_token answers hub.challenge. Stored hashed.' }),
    ),
    content_types: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 127, pattern: '^[A-Za-z0-9!#$&^_.+*/-]+$' }), {
        minItems: 1,
        maxItems: 50,
        description: 'Media types (globs: "*+json") a body must have, e.g. ["application/json"]; others are refused 415 and stored nowhere. Default: every type Switchboard reads.',
      }),
    ),
    ip_allowlist: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
    rate_limit: Type.Optional(RateLimit),
    path: Type.Optional(Type.String({ pattern: '^/[A-Za-z0-9/_.~-]{1,255}$', description: 'An extra path this endpoint also listens on.' })),
    idempotency: Type.Optional(ValueSource),
    split: Type.Optional(
      Type.Object(
        {
          json_pointer: Type.String({ maxLength: 500, pattern: '^(/.*)?$', description: 'Where the array of items is ("" for a body that is an array).' }),
          max_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
        },
        { additionalProperties: false, description: 'Batch endpoint: one event per item; idempotency and event_type pointers are read in each item.' },
      ),
    ),
    event_type: Type.Optional(ValueSource),
    max_payload_bytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 * 1024 * 1024 })),
    allow_unsigned: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RotateSecretBody = Type.Object(
  {
    grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })),
    secret: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })),
  },
  { additionalProperties: false },
);

export const TestEndpointBody = Type.Object(
  {
    api_key: Type.Optional(Type.String({ maxLength: 1024, description: 'The plain API key, when the endpoint requires one (only its hash is stored).' })),
    payload: Type.Optional(Type.Unknown({ description: 'JSON body to send instead of the built-in sample.' })),
  },
  { additionalProperties: false },
);

export const LogsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
