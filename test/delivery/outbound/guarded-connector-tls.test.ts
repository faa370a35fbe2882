import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createGuardedConnector, type AddressLookup } from '../../../src/delivery/outbound/create-guarded-connector.js';

// A self-signed test certificate for DNS:pinned.example, valid 2020–2120 (no secret: it only signs this test's handshakes).
const CERT = `-----BEGIN CERTIFICATE-----
MIIBajCCARCgAwIBAgIBATAKBggqhkjOPQQDAjAZMRcwFQYDVQQDDA5waW5uZWQu
ZXhhbXBsZTAgFw0yMDAxMDEwMDAwMDBaGA8yMTIwMDEwMTAwMDAwMFowGTEXMBUG
A1UEAwwOcGlubmVkLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAS0
3O44SPsE3iy1yjWVk0buATn/bZUPsDFF+e/mT3vYp82tv45/JOh0bMslxoOHCFAA
HNy4ou0cRhmJjA4dXIITo0cwRTAZBgNVHREEEjAQgg5waW5uZWQuZXhhbXBsZTAJ
BgNVHRMEAjAAMB0GA1UdDgQWBBR3KhQYgmQsiod1u81eN7UY3lQWAzAKBggqhkjO
PQQDAgNIADBFAiEAgEYeZxFp9suLAurwJG6mjmbsHNqbotgeh53Dl/PQmx8CIA9t
8+wKCxfD99FqyVWSzb/zsnrgtbKyyotFvVvbpUcm
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcSerbmMQCnzGiIXr
Wg7Jmt3TQ6ilba6AReLKKFT9NZehRANCAAS03O44SPsE3iy1yjWVk0buATn/bZUP
sDFF+e/mT3vYp82tv45/JOh0bMslxoOHCFAAHNy4ou0cRhmJjA4dXIIT
-----END PRIVATE KEY-----
`;

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function tlsServer(): Promise<{ server: Server; port: number; servernames: string[] }> {
  const servernames: string[] = [];
  const server = createServer({ cert: CERT, key: KEY }, (request, response) => response.end(`host=${request.headers.host}`));
  server.on('secureConnection', (socket) => servernames.push(String(socket.servername)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  opened.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, port: (server.address() as AddressInfo).port, servernames };
}

function pinnedAgent(): Agent {
  const lookup: AddressLookup = (_hostname, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]);
  const agent = new Agent({ connect: createGuardedConnector({ lookup, isAllowedAddress: () => true, connectOptions: { ca: CERT } }) });
  opened.push(() => agent.close());
  return agent;
}

describe('createGuardedConnector over TLS', () => {
  it('connects to the pinned address but sends SNI for, and checks the certificate against, the original name', async () => {
    const { port, servernames } = await tlsServer();
    const response = await pinnedAgent().request({ origin: `https://pinned.example:${port}`, path: '/', method: 'GET' });
    expect(await response.body.text()).toBe(`host=pinned.example:${port}`);
    expect(servernames).toEqual(['pinned.example']);
  });

  it('refuses a certificate that does not name the requested host, though the pinned address answers', async () => {
    const { port } = await tlsServer();
    await expect(pinnedAgent().request({ origin: `https://other.example:${port}`, path: '/', method: 'GET' })).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});
