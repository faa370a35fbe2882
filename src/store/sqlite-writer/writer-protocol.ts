import type { IngestItem, IngestResult } from '../events/commit-ingest-batch.js';
import type { Selectable } from 'kysely';
import type { JobsTable } from '../database.js';
import type { ClaimRequest } from '../jobs/claim-due-jobs-sqlite.js';
import type { RunProgress, RunProgressOutcome } from '../runs/commit-run-progress.js';
import type { DeliveryCommitResult, DeliveryOutcome } from '../deliveries/commit-delivery-outcomes.js';
import type { NewNotification, NotificationCommitOutcome } from '../notifications/commit-notifications.js';

/** Messages between the main thread and the SQLite writer thread: ingest batches, run progress, job claims, notifications and delivery outcomes. */
export type WriterRequest =
  | { readonly id: number; readonly kind: 'ingest'; readonly items: readonly IngestItem[] }
  | { readonly id: number; readonly kind: 'runs'; readonly items: readonly RunProgress[] }
  | { readonly id: number; readonly kind: 'claim'; readonly request: ClaimRequest }
  | { readonly id: number; readonly kind: 'notifications'; readonly items: readonly NewNotification[]; readonly nowMs: number }
  | { readonly id: number; readonly kind: 'deliveries'; readonly items: readonly DeliveryOutcome[] };

/** Anything the thread answers a request with. */
export type WriterResult = IngestResult | RunProgressOutcome | Selectable<JobsTable> | NotificationCommitOutcome | DeliveryCommitResult;

export type WriterResponse =
  /** An Error in an item's place: that item alone failed (structured clone keeps its message and stack). */
  | { readonly id: number; readonly ok: true; readonly results: readonly (WriterResult | Error)[] }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly stack?: string | undefined };

/** What the thread needs to open its own connection to the same database file. */
export interface WriterInit {
  readonly file: string;
  readonly synchronous: 'FULL' | 'NORMAL' | 'OFF';
}
