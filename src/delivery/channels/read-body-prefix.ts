import type { Dispatcher } from 'undici';

/** Body sizes read from a provider's answer. */
export interface BodyLimits {
  /** Bytes kept (and decoded as UTF-8); the rest is read and dropped. */
  readonly keepBytes: number;
  /** Past this many bytes in total the connection is dropped instead of drained for reuse. */
  readonly drainBytes: number;
}

/** Error bodies: a few KB kept for the delivery history. */
export const errorBodyLimits: BodyLimits = { keepBytes: 4_096, drainBytes: 65_536 };

/**
 * The first `keepBytes` of a response body as text. The body is always consumed (so the
 * connection goes back to the pool) or, when longer than `drainBytes`, destroyed, which closes
 * that connection; a body is never left unread.
 */
export async function readBodyPrefix(body: Dispatcher.ResponseData['body'], limits: BodyLimits): Promise<{ readonly text: string; readonly truncated: boolean }> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let totalBytes = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    totalBytes += chunk.length;
    if (keptBytes < limits.keepBytes) {
      const part = chunk.subarray(0, limits.keepBytes - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    // Leaving the loop destroys the body stream, and undici closes its connection.
    if (totalBytes > limits.drainBytes) break;
  }
  return { text: Buffer.concat(kept).toString('utf8'), truncated: totalBytes > keptBytes };
}
