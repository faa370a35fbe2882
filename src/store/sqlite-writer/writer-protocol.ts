import type { IngestItem, IngestResult } from '../events/commit-ingest-batch.js';

/** Messages between the main thread and the SQLite ingest writer thread. */
export type WriterRequest = { readonly id: number; readonly items: readonly IngestItem[] };

export type WriterResponse =
  | { readonly id: number; readonly ok: true; readonly results: readonly IngestResult[] }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly stack?: string | undefined };

/** What the thread needs to open its own connection to the same database file. */
export interface WriterInit {
  readonly file: string;
  readonly synchronous: 'FULL' | 'NORMAL' | 'OFF';
}
