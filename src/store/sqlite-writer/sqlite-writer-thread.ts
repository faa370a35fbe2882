// The body of the SQLite writer thread: its own connection, prepared statements, one transaction
// per batch (of ingested webhooks, run progress, notifications or delivery outcomes). A batch is
// acknowledged to the main thread only after COMMIT returns.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely } from 'kysely';
import { ImmediateSqliteDialect } from '../immediate-sqlite-dialect.js';
import { withCachedStatements } from '../cached-statements.js';
import type { Database } from '../database.js';
import { commitDeliveryOutcomes } from '../deliveries/commit-delivery-outcomes.js';
import { commitIngestBatchSqliteSync } from '../events/commit-ingest-batch-sqlite.js';
import { commitWithItemFallback } from '../events/commit-with-item-fallback.js';
import { claimDueJobsSqliteSync } from '../jobs/claim-due-jobs-sqlite.js';
import { commitNotifications } from '../notifications/commit-notifications.js';
import { commitRunProgressSqliteSync } from '../runs/commit-run-progress-sqlite.js';
import type { WriterInit, WriterRequest, WriterResponse, WriterResult } from './writer-protocol.js';

const init = workerData as WriterInit;
const sqlite = new SqliteDatabase(init.file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma(`synchronous = ${init.synchronous}`);
sqlite.pragma('busy_timeout = 5000');

// The delivery writes are the Kysely store functions both dialects share, run on this thread's own
// connection (kept off the main thread: their COMMIT's fsync blocked its event loop).
const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withCachedStatements(sqlite) }) });

/** One request's results; the Kysely-based kinds are async, and requests still run one at a time (see below). */
function handle(request: WriterRequest): Array<WriterResult | Error> | Promise<Array<WriterResult | Error>> {
  switch (request.kind) {
    case 'ingest':
      return commitIngestBatchSqliteSync(sqlite, request.items);
    case 'runs':
      return commitRunProgressSqliteSync(sqlite, request.items);
    case 'claim':
      return claimDueJobsSqliteSync(sqlite, request.request);
    case 'notifications':
      return commitWithItemFallback(request.items, (batch) => db.transaction().execute((trx) => commitNotifications(trx, batch, request.nowMs)));
    case 'deliveries':
      return commitWithItemFallback(request.items, (batch) => db.transaction().execute((trx) => commitDeliveryOutcomes(trx, batch)));
    default: {
      const unhandled: never = request;
      throw new Error(`unhandled writer request ${JSON.stringify(unhandled)}`);
    }
  }
}

const port = parentPort;
if (port === null) throw new Error('sqlite-writer-thread must run as a worker thread');
// Requests run strictly one after another: a synchronous batch must never start inside an
// asynchronous one's open transaction on the same connection.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: WriterRequest | 'close') => {
  queue = queue.then(async () => {
    if (request === 'close') {
      await db.destroy();
      port.close();
      return;
    }
    let response: WriterResponse;
    try {
      const results = await handle(request);
      // Structured clone keeps a plain Error but turns a subclass (SqliteError) into a bare object.
      response = { id: request.id, ok: true, results: results.map((result) => (result instanceof Error ? plainError(result) : result)) };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      response = { id: request.id, ok: false, message: err.message, stack: err.stack };
    }
    port.postMessage(response);
  });
});

function plainError(error: Error): Error {
  return Object.assign(new Error(error.message), { stack: error.stack });
}
