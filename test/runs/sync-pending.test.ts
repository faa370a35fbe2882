import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';

const gateModule = fileURLToPath(new URL('../fixtures/agents/gate-agent.ts', import.meta.url));

describe.each(dialects)('sync answers while a run waits, and for repeated webhooks (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  async function start(gateFile: string) {
    sb = await startTestSwitchboard({
      dialect,
      listen: true,
      config: {
        'agents.modules': [gateModule],
        'runs.base_delay_ms': 100,
        'runs.max_delay_ms': 200,
        routes: [
          {
            id: 'gated',
            match: { source: 'alerts' },
            steps: [
              { name: 'triage', kind: 'agent', agent: 'triage', with: { alert: 'event.data' } },
              { name: 'gate', kind: 'agent', agent: 'gate', with: { closed_while: JSON.stringify(gateFile) }, retry: { max_attempts: 100 } },
            ],
            respond: {
              mode: 'sync',
              timeout_ms: 5000,
              response: { status: 'success', alert: '=event.data.alert_id', level: '=steps.triage.level', gate: '=steps.gate.opened' },
              pending: { status: 202, response: { status: 'pending', alert: '=event.data.alert_id', level: '=steps.triage.level', waiting_for: '=run.waiting_for', run_status: '=run.status' } },
            },
          },
        ],
      },
    });
    const registered = await fetch(`${sb.url}/integration/webhooks/register`, {
      method: 'POST',
      headers: { ...sb.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint_id: 'alerts', verification: { scheme: 'none' }, allow_unsigned: true, idempotency: { json_pointer: '/alert_id' } }),
    });
    expect(registered.status).toBe(201);
    const server = sb;
    return async (alertId: string) => {
      const response = await fetch(`${server.url}/integration/webhooks/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ alert_id: alertId, alert_type: 'system_failure', severity: 'critical', description: 'Pool exhausted', affected_systems: ['API Gateway'] }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
  }

  it('answers the pending template as soon as a step waits for a retry, over the steps done so far; the run goes on', async () => {
    const gate = join(tmpdir(), `switchboard-gate-${dialect}-${process.pid}-${Date.now()}`);
    writeFileSync(gate, 'closed');
    const send = await start(gate);
    const started = Date.now();
    const pending = await send('ALT-1');
    expect(Date.now() - started).toBeLessThan(4000);
    expect(pending).toEqual({ status: 202, body: { status: 'pending', alert: 'ALT-1', level: 'CRITICAL', waiting_for: 'gate', run_status: 'running' } });

    // The same alert again while the run still waits: the same pending answer, no second run.
    expect(await send('ALT-1')).toEqual(pending);
    rmSync(gate);
    const deadline = Date.now() + 10_000;
    let finished: { status: number; body: Record<string, unknown> } | undefined;
    while (Date.now() < deadline) {
      const again = await send('ALT-1');
      if (again.status === 200) {
        finished = again;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Once the run succeeded, a repeat gets the finished answer.
    expect(finished).toEqual({ status: 200, body: { status: 'success', alert: 'ALT-1', level: 'CRITICAL', gate: true } });
    const runs = (await (await fetch(`${sb?.url}/api/v1/runs?route=gated`, { headers: sb?.auth })).json()) as { runs: unknown[] };
    expect(runs.runs).toHaveLength(1);
  });

  it('answers the finished template when nothing waits', async () => {
    const send = await start(join('/nonexistent', 'gate'));
    expect(await send('ALT-2')).toEqual({ status: 200, body: { status: 'success', alert: 'ALT-2', level: 'CRITICAL', gate: true } });
  });
});
