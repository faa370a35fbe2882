/** Header names whose values are credentials. */
const secretHeaderName = /authorization|api[-_]?key|token|secret|signature|cookie|password/i;

/** Values shorter than this are not redacted: they would match ordinary words. */
const minimumSecretLength = 6;

/**
 * The credential values among `headers` (an `Authorization` value both whole and without its
 * scheme, so `Bearer <key>` and a bare `<key>` echoed by a service are both caught).
 */
export function secretHeaderValues(headers: Readonly<Record<string, string>>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!secretHeaderName.test(name)) continue;
    secrets.push(value);
    const credentials = /^\S+\s+(\S.*)$/.exec(value)?.[1];
    if (credentials !== undefined) secrets.push(credentials);
  }
  return secrets.filter((secret) => secret.length >= minimumSecretLength);
}

/** `text` with every occurrence of each secret replaced by `[redacted]` (longest first, so a whole value wins over its part). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) redacted = redacted.split(secret).join('[redacted]');
  return redacted;
}
