import { setTimeout as sleep } from 'node:timers/promises';

/** Handle kinds a channel test may leave open by mistake: TCP sockets and listening servers. (Timers are not counted: vitest's own come and go.) */
const watched = ['TCPSocketWrap', 'TCPServerWrap'] as const;

function countOpen(): Record<(typeof watched)[number], number> {
  const kinds = process.getActiveResourcesInfo();
  return { TCPSocketWrap: kinds.filter((kind) => kind === 'TCPSocketWrap').length, TCPServerWrap: kinds.filter((kind) => kind === 'TCPServerWrap').length };
}

/**
 * Remembers how many TCP sockets and servers are open, and later checks that no more are:
 * `const handles = openHandleBaseline()` in `beforeEach`, `await handles.expectNoneLeft()` in
 * `afterEach` after closing everything. Sockets close asynchronously, so it waits up to `waitMs`.
 */
export function openHandleBaseline(): { expectNoneLeft(waitMs?: number): Promise<void> } {
  const before = countOpen();
  const leaked = () => {
    const now = countOpen();
    return watched.filter((kind) => now[kind] > before[kind]).map((kind) => `${now[kind] - before[kind]} ${kind}`);
  };
  return {
    async expectNoneLeft(waitMs = 1_000) {
      for (let waited = 0; leaked().length > 0 && waited < waitMs; waited += 10) await sleep(10);
      const left = leaked();
      if (left.length > 0) throw new Error(`left open: ${left.join(', ')}`);
    },
  };
}
