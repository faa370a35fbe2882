import type { IngestItem, IngestResult } from '../events/commit-ingest-batch.js';

/** Messages between the main thread and the SQLite ingest writer thread. */
export type WriterRequest = { readonly id: number; readonly items: readonly IngestItem[] };

export type WriterResponse =
  /** An Error in an item's place: that item alone failed (structured clone keeps its message and stack). */
  | { readonly id: number; readonly ok: true; readonly results: readonly (IngestResult | Error)[] }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly stack?: string | undefined };

/** What the thread needs to open its own connection to the same database file. */
export interface WriterInit {
  readonly file: string;
  readonly synchronous: 'FULL' | 'NORMAL' | 'OFF';
}
