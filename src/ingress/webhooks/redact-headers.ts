/** Header names whose values are secrets or signatures; their values never reach logs or API responses. */
const SENSITIVE = /authorization|cookie|api[-_]?key|signature|hmac|token|secret|password/i;

/** A copy of the headers with every sensitive value replaced by "[redacted]". */
export function redactHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = SENSITIVE.test(name) ? '[redacted]' : value;
  }
  return out;
}
