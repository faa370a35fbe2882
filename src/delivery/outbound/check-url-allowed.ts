import { isIP } from 'node:net';
import { isPublicAddress } from './is-public-address.js';

export type UrlCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** A URL's host without the brackets of an IPv6 literal. */
function bareHostname(url: URL): string {
  const { hostname } = url;
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Whether a user may save `url` as a destination for outbound requests (checked by the API when a
 * webhook URL is saved). Pure: it resolves nothing. The URL must be absolute http(s) without
 * credentials; unless `allowPrivateNetworks`, an IP-literal host must be public and the host must
 * not be `localhost` or `*.localhost`. A name that resolves to a private address passes here and is
 * refused at connect time by the outbound dispatcher. Messages name the host, never the path or
 * query (which may carry a token).
 */
export function checkUrlAllowed(url: string, allowPrivateNetworks: boolean): UrlCheck {
  if (!URL.canParse(url)) return { ok: false, message: 'not an absolute URL' };
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, message: `scheme ${parsed.protocol.slice(0, -1)} is not allowed (use http or https)` };
  }
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, message: 'credentials in the URL are not allowed' };
  if (allowPrivateNetworks) return { ok: true };
  const hostname = bareHostname(parsed);
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || name.endsWith('.localhost')) {
    return { ok: false, message: `${hostname} is a loopback name; outbound requests to private networks are not allowed` };
  }
  if (isIP(hostname) !== 0 && !isPublicAddress(hostname)) {
    return { ok: false, message: `${hostname} is not a public address; outbound requests to private networks are not allowed` };
  }
  return { ok: true };
}
