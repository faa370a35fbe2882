import { Type } from 'typebox';
import { DEFAULT_PAGE_LIMIT } from '../cursor.js';

/** User ids are free-form (emails, Slack ids, `john.doe`), without whitespace or slashes. */
const UserId = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' });
/** SLACK, EMAIL, WEBHOOK, SMS or TEST, in any case; checked and upper-cased by the route. */
const IntegrationTypeText = Type.String({ minLength: 1, maxLength: 32 });
const Priority = Type.Integer({ minimum: 1, maximum: 100 });
const RetryCount = Type.Integer({ minimum: 0, maximum: 50 });
const RetryDelay = Type.Integer({ minimum: 0, maximum: 86_400 });
const Config = Type.Record(Type.String(), Type.Unknown());

export const UserIdParams = Type.Object({ user_id: UserId });
export const UserIntegrationParams = Type.Object({ user_id: UserId, integration_type: IntegrationTypeText });
export const IntegrationTypeParams = Type.Object({ integration_type: IntegrationTypeText });

const overrideFields = {
  enabled: Type.Optional(Type.Boolean()),
  // Not nullable: ajv's type coercion would read 0 as null. A field left out follows the default.
  priority: Type.Optional(Priority),
  retry_count: Type.Optional(RetryCount),
  retry_delay_seconds: Type.Optional(RetryDelay),
  config: Type.Optional(Config),
};

/** POST /api/v1/users/{user_id}/integrations: creates or replaces the override of one integration. */
export const CreateOverrideBody = Type.Object({ integration_type: IntegrationTypeText, ...overrideFields }, { additionalProperties: false });

/** PUT /api/v1/users/{user_id}/integrations/{type}: changes only the given fields; `config` merges key by key (null removes a key). */
export const UpdateOverrideBody = Type.Object({ integration_type: Type.Optional(IntegrationTypeText), ...overrideFields }, { additionalProperties: false });

/** PUT /api/v1/integration-defaults/{type}. */
export const UpdateDefaultBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Priority),
    retry_count: Type.Optional(RetryCount),
    retry_delay_seconds: Type.Optional(RetryDelay),
    config: Type.Optional(Config),
  },
  { additionalProperties: false },
);

const NullableText = (maxLength: number) => Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength }), Type.Null()]));

/** PUT /api/v1/users/{user_id}: absent fields keep their value, null clears one. */
export const UserProfileBody = Type.Object(
  {
    email: NullableText(320),
    phone: NullableText(32),
    slack_user_id: NullableText(64),
    timezone: NullableText(64),
    webhook_url: NullableText(2048),
  },
  { additionalProperties: false },
);

export const NotificationBody = Type.Object(
  {
    user_id: Type.Optional(UserId),
    user_ids: Type.Optional(Type.Array(UserId, { minItems: 1, maxItems: 1000 })),
    subject: Type.Optional(Type.String({ maxLength: 998 })),
    body: Type.String({ minLength: 1, maxLength: 100_000 }),
    data: Type.Optional(Type.Unknown()),
    channels: Type.Optional(Type.Array(IntegrationTypeText, { minItems: 1, maxItems: 5 })),
    strategy: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('first_success')], { default: 'all' })),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);

export const NotificationIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const DeliveryIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

const StatusText = Type.String({ minLength: 1, maxLength: 16, description: 'PENDING, RETRYING, SUCCESS, FAILED or EXPIRED' });

export const ListDeliveriesQuery = Type.Object({
  status: Type.Optional(StatusText),
  channel: Type.Optional(IntegrationTypeText),
  user_id: Type.Optional(UserId),
  notification_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const UserDeliveriesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

/** POST /api/v1/deliveries/retry: the given ids, or up to `limit` deliveries matching the filter (FAILED and EXPIRED unless `status` names one). */
export const BulkRetryBody = Type.Object(
  {
    delivery_ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 })),
    status: Type.Optional(StatusText),
    channel: Type.Optional(IntegrationTypeText),
    user_id: Type.Optional(UserId),
    notification_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    created_after: Type.Optional(Type.String({ format: 'date-time' })),
    created_before: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const ListTestDeliveriesQuery = Type.Object({
  user_id: Type.Optional(UserId),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
