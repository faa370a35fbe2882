// The body of the SQLite writer thread: its own connection, prepared statements, one transaction
// per batch (of ingested webhooks, or of run progress). A batch is acknowledged to the main thread only after COMMIT returns.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { commitIngestBatchSqliteSync } from '../events/commit-ingest-batch-sqlite.js';
import { claimDueJobsSqliteSync } from '../jobs/claim-due-jobs-sqlite.js';
import { commitRunProgressSqliteSync } from '../runs/commit-run-progress-sqlite.js';
import type { WriterInit, WriterRequest, WriterResponse } from './writer-protocol.js';

const init = workerData as WriterInit;
const sqlite = new SqliteDatabase(init.file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma(`synchronous = ${init.synchronous}`);
sqlite.pragma('busy_timeout = 5000');

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-thread must run as a worker thread');
port.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
    sqlite.close();
    port.close();
    return;
  }
  let response: WriterResponse;
  try {
    const results =
      request.kind === 'ingest'
        ? commitIngestBatchSqliteSync(sqlite, request.items)
        : request.kind === 'runs'
          ? commitRunProgressSqliteSync(sqlite, request.items)
          : claimDueJobsSqliteSync(sqlite, request.request);
    // Structured clone keeps a plain Error but turns a subclass (SqliteError) into a bare object.
    response = { id: request.id, ok: true, results: results.map((result) => (result instanceof Error ? plainError(result) : result)) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    response = { id: request.id, ok: false, message: err.message, stack: err.stack };
  }
  port.postMessage(response);
});

function plainError(error: Error): Error {
  return Object.assign(new Error(error.message), { stack: error.stack });
}
