import { Agent, type Dispatcher } from 'undici';
import { createGuardedConnector } from './create-guarded-connector.js';

export interface OutboundDispatcherOptions {
  /** true: connect anywhere (development, tests, trusted networks); false: public addresses only. */
  readonly allowPrivateNetworks: boolean;
  /** Open connections per origin (`delivery.webhook.connections_per_origin`). */
  readonly connectionsPerOrigin: number;
  /** How long an idle keep-alive connection is kept (undici's default, 4 s, when absent). */
  readonly keepAliveTimeoutMs?: number;
}

/**
 * The connection pool for requests to user-given URLs. Unless `allowPrivateNetworks`, every new
 * connection goes through `createGuardedConnector`: a host that is, or resolves only to, a
 * private, loopback, link-local, unique-local, CGNAT, multicast, unspecified or reserved address
 * (IPv4-mapped forms included) fails with `AddressNotAllowedError` before a byte is sent. The check
 * is per connection, not per request: a kept-alive connection was checked when it opened. The
 * caller owns the dispatcher and closes it.
 */
export function createOutboundDispatcher(options: OutboundDispatcherOptions): Dispatcher {
  const poolOptions: Agent.Options = {
    connections: options.connectionsPerOrigin,
    ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }),
  };
  if (options.allowPrivateNetworks) return new Agent(poolOptions);
  return new Agent({ ...poolOptions, connect: createGuardedConnector() });
}
