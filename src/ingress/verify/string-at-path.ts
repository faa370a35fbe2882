/** The non-empty string at `path` inside parsed JSON, or undefined when there is none. */
export function stringAtPath(json: unknown, path: readonly string[]): string | undefined {
  let value = json;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' && value !== '' ? value : undefined;
}
