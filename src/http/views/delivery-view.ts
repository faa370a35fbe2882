import type { Selectable } from 'kysely';
import type { DeliveryAttemptsTable, DeliveryLogsTable, TestDeliveriesTable, UserProfilesTable } from '../../store/database.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());
const json = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

/** One delivery (seed 001's delivery_logs row) as the API shows it. */
export function deliveryView(row: Selectable<DeliveryLogsTable>) {
  return {
    delivery_id: row.delivery_id,
    notification_id: row.notification_id,
    user_id: row.user_id,
    integration_type: row.integration_type,
    status: row.status,
    attempts: Number(row.attempts),
    error_code: row.error_code,
    error_message: row.error_message,
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    provider_message_id: row.provider_message_id,
    next_attempt_at: row.status === 'PENDING' || row.status === 'RETRYING' ? iso(row.next_attempt_at) : null,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    delivered_at: row.status === 'SUCCESS' ? iso(row.finished_at) : null,
    finished_at: iso(row.finished_at),
    expires_at: iso(row.expires_at),
  };
}

/** One attempt: when, how long, what the provider answered. */
export function deliveryAttemptView(row: Selectable<DeliveryAttemptsTable>) {
  return {
    attempt: Number(row.attempt),
    attempted_at: iso(row.started_at),
    latency_ms: Number(row.latency_ms),
    outcome: row.outcome,
    status_code: row.status_code === null ? null : Number(row.status_code),
    error_code: row.error_code,
    error_message: row.error_message,
    provider_message_id: row.provider_message_id,
  };
}

/** One delivery with every attempt: `attempts` is the list here (oldest first), `attempt_count` its length. */
export function deliveryDetailView(row: Selectable<DeliveryLogsTable>, attempts: readonly Selectable<DeliveryAttemptsTable>[]) {
  return { ...deliveryView(row), attempt_count: Number(row.attempts), attempts: attempts.map(deliveryAttemptView) };
}

/** A message the TEST channel stored. */
export function testDeliveryView(row: Selectable<TestDeliveriesTable>) {
  return {
    delivery_id: row.delivery_id,
    notification_id: row.notification_id,
    user_id: row.user_id,
    subject: row.subject,
    body: row.body,
    data: json(row.data),
    received_at: iso(row.created_at),
  };
}

/** A user profile: where the user can be reached. */
export function userProfileView(row: Selectable<UserProfilesTable>) {
  return {
    user_id: row.user_id,
    email: row.email,
    phone: row.phone,
    slack_user_id: row.slack_user_id,
    timezone: row.timezone,
    webhook_url: row.webhook_url,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}
