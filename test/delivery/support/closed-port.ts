import { createServer } from 'node:net';
import { listenOnLoopback } from './listen-on-loopback.js';

/**
 * A port on 127.0.0.1 that nothing listens on (it was free a moment ago), so a connection to it
 * is refused: for connection-failure tests.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
