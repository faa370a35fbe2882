import type { IngestItem, IngestResult } from '../../store/events/commit-ingest-batch.js';

/** Durably writes one request's event and log row; resolves only after the commit (see GroupCommitter). */
export interface IngestWriter {
  submit(item: IngestItem): Promise<IngestResult>;
}
