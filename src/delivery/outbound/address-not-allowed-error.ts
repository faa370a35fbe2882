/**
 * An outbound request to a user-given URL was refused because its host is (or resolves only to)
 * a private, loopback, link-local or otherwise non-public address. Raised at connect time, before
 * any byte is sent. The message names the host and the refused addresses, never the URL's path
 * or query (which may carry a token).
 */
export class AddressNotAllowedError extends Error {
  readonly code = 'ERR_ADDRESS_NOT_ALLOWED';
  /** The host the request was for (a name or an IP literal). */
  readonly hostname: string;
  /** The refused addresses: the literal itself, or every address the name resolved to. */
  readonly addresses: readonly string[];

  constructor(hostname: string, addresses: readonly string[]) {
    const resolved = addresses.length === 1 && addresses[0] === hostname ? '' : ` (resolves to ${addresses.join(', ')})`;
    super(`${hostname}${resolved} is not a public address; outbound requests to private networks are not allowed`);
    this.name = 'AddressNotAllowedError';
    this.hostname = hostname;
    this.addresses = addresses;
  }
}
