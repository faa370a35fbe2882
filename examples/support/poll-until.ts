import { ExampleFailure } from './example-failure.js';

/**
 * Calls `probe` every 100 ms until it returns something other than undefined, for what Switchboard
 * does after it has answered (a run's later steps); an ExampleFailure naming `what` after `timeoutMs`.
 */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new ExampleFailure(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
