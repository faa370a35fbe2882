import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import { AddressNotAllowedError } from './address-not-allowed-error.js';
import { isPublicAddress } from './is-public-address.js';

/** Resolves a host name to every address it has, as `dns.lookup(name, { all: true })` does. */
export type AddressLookup = (hostname: string, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemLookup: AddressLookup = (hostname, callback) => {
  dnsLookup(hostname, { all: true }, callback);
};

export interface GuardedConnectorOptions {
  /** Default: `dns.lookup` with `all: true` (the system resolver, /etc/hosts included). */
  readonly lookup?: AddressLookup;
  /** Which addresses may be connected to. Default: `isPublicAddress`. */
  readonly isAllowedAddress?: (ip: string) => boolean;
  /** Passed to undici's `buildConnector` (connect timeout, TLS options). */
  readonly connectOptions?: buildConnector.BuildOptions;
}

/** The first address of each family, in the resolver's order: at most one fallback on a failed connect. */
function pickCandidates(addresses: readonly LookupAddress[]): string[] {
  const candidates: string[] = [];
  let families = 0;
  for (const { address, family } of addresses) {
    const bit = family === 6 ? 2 : 1;
    if ((families & bit) === 0) {
      families |= bit;
      candidates.push(address);
    }
  }
  return candidates;
}

/**
 * An undici connector that only opens connections to allowed (by default: public) addresses. An
 * IP-literal host is checked as it is; a name is resolved once per connection and the socket is
 * opened to one of the checked addresses (never resolved again by the socket), so a DNS answer that
 * changes between check and connect (rebinding) cannot reach a private address. Addresses that
 * fail the check are dropped; when none is left, the connect fails with `AddressNotAllowedError`
 * before any socket exists. TLS keeps the original name for SNI and certificate checks.
 */
export function createGuardedConnector(options: GuardedConnectorOptions = {}): buildConnector.connector {
  const connectTo = buildConnector(options.connectOptions ?? {});
  const lookup = options.lookup ?? systemLookup;
  const isAllowed = options.isAllowedAddress ?? isPublicAddress;

  return function connectGuarded(target, callback) {
    const { hostname } = target;
    if (isIP(hostname) !== 0) {
      if (isAllowed(hostname)) connectTo(target, callback);
      else process.nextTick(callback, new AddressNotAllowedError(hostname, [hostname]), null);
      return;
    }
    lookup(hostname, (error, addresses) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const candidates = pickCandidates(addresses.filter(({ address }) => isAllowed(address)));
      if (candidates.length === 0) {
        callback(new AddressNotAllowedError(hostname, addresses.map(({ address }) => address)), null);
        return;
      }
      const servername = target.servername || hostname;
      const attempt = (index: number): void => {
        connectTo({ ...target, hostname: candidates[index] as string, servername }, (...result) => {
          if (result[0] !== null && index + 1 < candidates.length) attempt(index + 1);
          else callback(...result);
        });
      };
      attempt(0);
    });
  };
}
