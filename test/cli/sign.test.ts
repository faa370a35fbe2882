import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { killCliProcesses, runCli } from './cli-process.js';

/** The headers in `switchboard sign`'s curl output: one `-H 'name: value'` per line. */
function curlHeaders(stdout: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of stdout.trim().split('\n')) {
    const match = /^-H '([^:]+): (.*)'$/.exec(line);
    if (match === null) throw new Error(`not a curl -H line: ${line}`);
    headers[match[1] as string] = (match[2] as string).replaceAll(`'\\''`, `'`);
  }
  return headers;
}

describe('switchboard sign', () => {
  const secretKey = randomBytes(32).toString('base64');
  let sb: TestSwitchboard;
  beforeAll(async () => {
    sb = await startTestSwitchboard({ listen: true, config: { secret_key: secretKey } });
    const register = (payload: Record<string, unknown>) => sb.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: sb.auth, payload });
    expect((await register({ endpoint_id: 'cli-chainsync', secret: 'cli-chainsync-secret', verification: { scheme: 'chainsync' } })).statusCode).toBe(201);
    expect((await register({ endpoint_id: 'cli-standard' })).statusCode).toBe(201);
    expect((await register({ endpoint_id: 'cli-github', secret: 'cli-github-secret', verification: { scheme: 'github' } })).statusCode).toBe(201);
    // After a rotation without grace, only the new secret verifies: `sign --endpoint` must use it.
    const rotated = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/cli-github/rotate-secret', headers: sb.auth, payload: { grace_seconds: 0, secret: 'cli-github-rotated' } });
    expect(rotated.statusCode).toBe(200);
  });
  afterEach(async () => {
    await killCliProcesses();
  });
  afterAll(async () => {
    await sb.stop();
  });

  const post = (endpointId: string, headers: Record<string, string>, body: string) =>
    fetch(`${sb.url}/integration/webhooks/${endpointId}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });

  it('prints curl -H lines that a running server accepts (--scheme chainsync --secret)', async () => {
    const body = '{"alert":"disk full","severity":"high"}';
    const result = await runCli(['sign', '--scheme', 'chainsync', '--secret', 'cli-chainsync-secret', '-d', body]);
    expect(result.code, result.stderr).toBe(0);
    const headers = curlHeaders(result.stdout);
    expect(Object.keys(headers).sort()).toEqual(['x-webhook-signature', 'x-webhook-timestamp']);
    expect(headers['x-webhook-signature']).toMatch(/^[0-9a-f]{64}$/);

    const response = await post('cli-chainsync', headers, body);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted' });
    // The same headers on another body do not verify.
    expect((await post('cli-chainsync', headers, '{"alert":"disk full","severity":"low"}')).status).toBe(401);
  });

  it('reads the scheme and current secret of a registered endpoint from the store (--endpoint)', async () => {
    const env = { SWITCHBOARD_DATA_DIR: sb.database.dataDir, SWITCHBOARD_SECRET_KEY: secretKey };
    const body = '{"type":"invoice.paid","amount":1200}';
    const [standard, github] = await Promise.all([
      runCli(['sign', '--endpoint', 'cli-standard', '-d', body], env),
      runCli(['sign', '--endpoint', 'cli-github', '--format', 'json', '-d', body], env),
    ]);
    expect(standard.code, standard.stderr).toBe(0);
    const standardHeaders = curlHeaders(standard.stdout);
    expect(Object.keys(standardHeaders).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    const accepted = await post('cli-standard', standardHeaders, body);
    expect(accepted.status).toBe(202);
    const eventId = ((await accepted.json()) as { event_id: string }).event_id;
    const event = await sb.app.inject({ method: 'GET', url: `/api/v1/events/${eventId}`, headers: sb.auth });
    expect(event.json()).toMatchObject({ source: 'cli-standard', type: 'invoice.paid', data: { amount: 1200 } });

    expect(github.code, github.stderr).toBe(0);
    const githubHeaders = JSON.parse(github.stdout) as Record<string, string>;
    expect(githubHeaders['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect((await post('cli-github', githubHeaders, body)).status).toBe(202);
    expect(github.stdout).not.toContain('cli-github-rotated');
  });

  it('exits non-zero with a clear message on bad arguments', async () => {
    const env = { SWITCHBOARD_DATA_DIR: sb.database.dataDir, SWITCHBOARD_SECRET_KEY: secretKey };
    const cases: Array<[readonly string[], RegExp]> = [
      [['sign', '--scheme', 'carrier-pigeon', '-d', '{}'], /carrier-pigeon.*invalid.*Allowed choices/s],
      [['sign', '--scheme', 'chainsync', '-d', '{}'], /Give --secret/],
      [['sign', '--endpoint', 'nobody', '-d', '{}'], /No endpoint "nobody"/],
      [['sign', '--scheme', 'chainsync', '--secret', 'x', '-o', 'algorithm=md5', '-d', '{}'], /Scheme options/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, env)));
    results.forEach((result, index) => {
      const [args, message] = cases[index] as [readonly string[], RegExp];
      expect(result.code, args.join(' ')).not.toBe(0);
      expect(typeof result.code, args.join(' ')).toBe('number');
      expect(result.stderr, args.join(' ')).toMatch(message);
      // A clear message, not a stack trace.
      expect(result.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(result.stdout, args.join(' ')).toBe('');
    });
  });
});
