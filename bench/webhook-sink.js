// The receiver for bench:deliver: a bare node:http server in its own process that answers every
// POST with 200 and a two-byte body. It counts requests and distinct `webhook-id`s (a second request
// with an id already seen is a duplicate), notes the first and last arrival, and reads the sender's
// clock from the body (`data.data.sent_at`, ms on the performance.timeOrigin + now() clock) for the
// end-to-end latency. Signatures are not verified: the receiver is kept cheap so it measures the
// sender. Controlled over IPC by the parent: {cmd: 'reset'} clears the counts, {cmd: 'stats'} answers
// with them, {cmd: 'mark'} notes the time and the distinct ids so far (stats then include it); it
// sends {ready: port} once listening.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();

let requests = 0;
let ids = new Set();
let latencies = [];
let first = NaN;
let last = NaN;
let unparsed = 0;
let mark;

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const arrived = now();
    requests += 1;
    if (requests === 1) first = arrived;
    last = arrived;
    const id = request.headers['webhook-id'];
    if (typeof id === 'string') ids.add(id);
    try {
      const sentAt = JSON.parse(Buffer.concat(chunks).toString('utf8'))?.data?.data?.sent_at;
      if (typeof sentAt === 'number') latencies.push(arrived - sentAt);
      else unparsed += 1;
    } catch {
      unparsed += 1;
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
});
server.keepAliveTimeout = 10_000;

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

process.on('message', (message) => {
  if (message?.cmd === 'reset') {
    requests = 0;
    ids = new Set();
    latencies = [];
    first = NaN;
    last = NaN;
    unparsed = 0;
    mark = undefined;
    process.send({ cmd: 'reset', ok: true });
  } else if (message?.cmd === 'mark') {
    mark = { at: now(), unique: ids.size };
    process.send({ cmd: 'mark', ...mark });
  } else if (message?.cmd === 'stats') {
    const sorted = Float64Array.from(latencies).sort();
    process.send({
      cmd: 'stats',
      requests,
      unique: ids.size,
      duplicates: requests - ids.size,
      first,
      last,
      unparsed,
      mark,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
    });
  }
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.send({ ready: server.address().port }));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
process.on('disconnect', () => process.exit(0));
