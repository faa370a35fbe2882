import type { LookupAddress } from 'node:dns';
import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressNotAllowedError } from '../../../src/delivery/outbound/address-not-allowed-error.js';
import { createGuardedConnector, type AddressLookup } from '../../../src/delivery/outbound/create-guarded-connector.js';
import { createOutboundDispatcher } from '../../../src/delivery/outbound/create-outbound-dispatcher.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
});

async function receiver(host?: string): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(host === undefined ? {} : { host });
  opened.push(started);
  return started;
}

function dispatcher(allowPrivateNetworks: boolean): Dispatcher {
  const created = createOutboundDispatcher({ allowPrivateNetworks, connectionsPerOrigin: 4 });
  opened.push(created);
  return created;
}

function agent(lookup: AddressLookup, isAllowedAddress: (ip: string) => boolean): Dispatcher {
  const created = new Agent({ connect: createGuardedConnector({ lookup, isAllowedAddress }) });
  opened.push(created);
  return created;
}

/** A POST through `through`; a request that is not refused fails the 2 s signal instead. */
async function post(through: Dispatcher, url: string): Promise<{ status: number } | { error: unknown }> {
  const { origin, pathname } = new URL(url);
  try {
    const response = await through.request({ origin, path: pathname, method: 'POST', body: '{}', signal: AbortSignal.timeout(2_000) });
    await response.body.dump();
    return { status: response.statusCode };
  } catch (error) {
    return { error };
  }
}

function expectRefused(result: { status: number } | { error: unknown }, host: string): AddressNotAllowedError {
  expect(result).toHaveProperty('error');
  const { error } = result as { error: unknown };
  expect(error).toBeInstanceOf(AddressNotAllowedError);
  const refusal = error as AddressNotAllowedError;
  expect(refusal.code).toBe('ERR_ADDRESS_NOT_ALLOWED');
  expect(refusal.hostname).toBe(host);
  expect(refusal.message).toContain(host);
  return refusal;
}

const hasIPv6Loopback = await startWebhookReceiver({ host: '::1' }).then(
  async (probe) => {
    await probe.close();
    return true;
  },
  () => false,
);

describe('createOutboundDispatcher', () => {
  describe('with allowPrivateNetworks false', () => {
    it('refuses 127.0.0.1 before connecting: the receiver sees no connection', async () => {
      const target = await receiver();
      expectRefused(await post(dispatcher(false), `${target.url}/hook`), '127.0.0.1');
      expect(target.connections).toBe(0);
      expect(target.received).toEqual([]);
    });

    it.skipIf(!hasIPv6Loopback)('refuses [::1] before connecting', async () => {
      const target = await receiver('::1');
      expectRefused(await post(dispatcher(false), `${target.url}/hook`), '::1');
      expect(target.connections).toBe(0);
    });

    it('refuses an IPv4-mapped loopback literal', async () => {
      const target = await receiver();
      expectRefused(await post(dispatcher(false), `http://[::ffff:127.0.0.1]:${target.port}/hook`), '::ffff:7f00:1');
      expect(target.connections).toBe(0);
    });

    it('refuses a host name that resolves to loopback (localhost), naming what it resolved to', async () => {
      const target = await receiver();
      const refusal = expectRefused(await post(dispatcher(false), `http://localhost:${target.port}/hook`), 'localhost');
      expect(refusal.addresses.length).toBeGreaterThan(0);
      expect(refusal.addresses.every((address) => address === '127.0.0.1' || address === '::1')).toBe(true);
      expect(target.connections).toBe(0);
    });

    it.each([['10.0.0.1'], ['10.255.0.7'], ['169.254.169.254'], ['192.168.0.1'], ['100.64.0.1'], ['0.0.0.0']])(
      'refuses %s at once (no connect attempt to time out)',
      async (ip) => {
        const started = Date.now();
        expectRefused(await post(dispatcher(false), `http://${ip}/latest/meta-data/`), ip);
        expect(Date.now() - started).toBeLessThan(1_000);
      },
    );
  });

  describe('with allowPrivateNetworks true', () => {
    it('reaches 127.0.0.1 and localhost', async () => {
      const target = await receiver();
      const through = dispatcher(true);
      expect(await post(through, `${target.url}/a`)).toEqual({ status: 200 });
      expect(await post(through, `http://localhost:${target.port}/b`)).toEqual({ status: 200 });
      expect(target.received.map((request) => request.path)).toEqual(['/a', '/b']);
    });

    it.skipIf(!hasIPv6Loopback)('reaches [::1]', async () => {
      const target = await receiver('::1');
      expect(await post(dispatcher(true), `${target.url}/hook`)).toEqual({ status: 200 });
      expect(target.count).toBe(1);
    });
  });
});

describe('createGuardedConnector', () => {
  const onlyLoopbackV4 = (ip: string): boolean => ip === '127.0.0.1';

  it('connects to the checked address it resolved (pinned), dropping refused ones, with the original Host', async () => {
    const target = await receiver();
    const lookups: string[] = [];
    const lookup: AddressLookup = (hostname, callback) => {
      lookups.push(hostname);
      const addresses: LookupAddress[] = [
        { address: '10.9.9.9', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
      callback(null, addresses);
    };
    const through = agent(lookup, onlyLoopbackV4);
    expect(await post(through, `http://rebind.example:${target.port}/one`)).toEqual({ status: 200 });
    expect(await post(through, `http://rebind.example:${target.port}/two`)).toEqual({ status: 200 });
    expect(target.received.map((request) => request.headers.host)).toEqual([`rebind.example:${target.port}`, `rebind.example:${target.port}`]);
    // Resolved once per connection (never per request, never again by the socket).
    expect(lookups.length).toBe(target.connections);
    expect(new Set(lookups)).toEqual(new Set(['rebind.example']));
  });

  it('refuses a name whose every address is refused, listing them', async () => {
    const target = await receiver();
    const lookup: AddressLookup = (_hostname, callback) =>
      callback(null, [
        { address: '10.9.9.9', family: 4 },
        { address: 'fd00::9', family: 6 },
      ]);
    const refusal = expectRefused(await post(agent(lookup, onlyLoopbackV4), `http://evil.example:${target.port}/`), 'evil.example');
    expect(refusal.addresses).toEqual(['10.9.9.9', 'fd00::9']);
    expect(refusal.message).toContain('10.9.9.9, fd00::9');
    expect(target.connections).toBe(0);
  });

  it('passes a resolver failure through as it is', async () => {
    const lookup: AddressLookup = (hostname, callback) =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    const result = await post(agent(lookup, () => true), 'http://missing.example/');
    expect(result).toHaveProperty('error');
    expect((result as { error: NodeJS.ErrnoException }).error.code).toBe('ENOTFOUND');
  });

  it('falls back to the first address of the other family when the first connect fails', async () => {
    const target = await receiver();
    // A port on ::1 that nothing listens on (or no IPv6 at all): the connect fails, then 127.0.0.1 answers.
    const lookup: AddressLookup = (_hostname, callback) =>
      callback(null, [
        { address: '::1', family: 6 },
        { address: '::2', family: 6 },
        { address: '127.0.0.1', family: 4 },
      ]);
    expect(await post(agent(lookup, () => true), `http://dual.example:${target.port}/`)).toEqual({ status: 200 });
    expect(target.count).toBe(1);
  });
});
