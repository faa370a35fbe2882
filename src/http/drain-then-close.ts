import type { IncomingMessage } from 'node:http';

/** How much more of a refused request's body is read (and thrown away) after the answer, and for how long. */
const DRAIN_MAX_BYTES = 4 * 1024 * 1024;
const DRAIN_MAX_MS = 2000;

/**
 * Closes a connection whose request body is still arriving, in stages (RFC 9112 §9.6): the rest of
 * the body is read and discarded up to DRAIN_MAX_BYTES / DRAIN_MAX_MS, then the socket is dropped.
 * Closing at once makes the kernel reset the connection over the unread bytes, and the sender often
 * loses the answer; leaving it to Node would read the whole body, however large, to keep the
 * connection alive. A body that ends within the bounds leaves the connection usable.
 */
export function drainThenClose(body: IncomingMessage): void {
  // Requests injected in-process (app.inject) have no socket to drain or close.
  if (typeof (body.socket as { destroy?: unknown } | null)?.destroy !== 'function') return;
  let drained = 0;
  const drop = () => {
    clearTimeout(timer);
    body.socket.destroy();
  };
  const timer = setTimeout(drop, DRAIN_MAX_MS);
  timer.unref();
  body.on('error', () => undefined);
  body.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) drop();
  });
  body.on('end', () => clearTimeout(timer));
  body.resume();
}
