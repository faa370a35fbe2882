import { afterEach, describe, expect, it } from 'vitest';
import { deleteRoute } from '../../src/store/routes/delete-route.js';
import { insertRoute } from '../../src/store/routes/insert-route.js';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { validRoute } from './route-fixtures.js';

async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(dialects)('route changes made by another process (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  it('are picked up by the refresh check: a new route starts matching, a deleted one stops', async () => {
    sb = await startTestSwitchboard({ dialect, config: { 'runs.route_refresh_ms': 20 } });
    const table = sb.routeTable;
    expect(table.get('alerts-critical')).toBeUndefined();
    // Written straight to the store, as another Switchboard process's API would.
    const now = Date.now();
    await insertRoute(sb.store.db, { id: 'alerts-critical', definition: JSON.stringify(validRoute()), origin: 'api', enabled: 1, created_at: now, updated_at: now });
    await eventually(() => table.get('alerts-critical') !== undefined);
    expect(await table.refresh()).toBe(false);

    await deleteRoute(sb.store.db, 'alerts-critical');
    await eventually(() => table.get('alerts-critical') === undefined);
  });
});
