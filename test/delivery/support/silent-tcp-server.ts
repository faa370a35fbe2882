import { createServer, type Socket } from 'node:net';
import { listenOnLoopback } from './listen-on-loopback.js';

/** A TCP server on 127.0.0.1 that accepts connections and never writes a byte. */
export interface SilentTcpServer {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Connections accepted so far. */
  connectionCount(): number;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a peer that never answers: an HTTP request gets no status line, an SMTP client no
 * greeting. For timeout tests (a short `timeout_ms` against it).
 */
export async function startSilentTcpServer(): Promise<SilentTcpServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connectionCount: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
