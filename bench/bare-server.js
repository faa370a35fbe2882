// Baseline for bench:ingest: a bare Fastify route that parses the JSON body and answers 200.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/bare', async () => ({ ok: true }));
const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.send?.({ ready: url });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
