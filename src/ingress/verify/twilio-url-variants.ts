const AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;

/** The URL as received, without its port and with the default port, the forms Twilio may have signed. */
function portVariants(url: string): string[] {
  const match = AUTHORITY.exec(url);
  if (match === null) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@') + 1;
  const hostAndPort = authority.slice(userInfoEnd);
  // In an IPv6 literal the port colon comes after the closing bracket.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  const host = authority.slice(0, userInfoEnd) + (portStart < 0 ? hostAndPort : hostAndPort.slice(0, portStart));
  const withoutPort = scheme + host + rest;
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : scheme.toLowerCase() === 'http://' ? ':80' : '';
  const withPort = portStart < 0 ? scheme + host + defaultPort + rest : url;
  return [url, withoutPort, withPort];
}

/**
 * Every spelling of a request URL Twilio's signature may be over: Twilio signs the URL exactly as
 * configured, and proxies may add or drop `:443`/`:80`; its SDKs also try the WHATWG-normalised
 * form (percent-encoded special characters). Distinct values, the URL as received first.
 */
export function twilioUrlVariants(url: string): string[] {
  const variants = portVariants(url);
  if (URL.canParse(url)) variants.push(...portVariants(new URL(url).href));
  return [...new Set(variants)];
}
