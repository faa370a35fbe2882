import { readHeader } from './read-header.js';

/** The named headers that are present, for `keptHeaders`; undefined when none is. */
export function pickHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  names: readonly string[],
): Record<string, string> | undefined {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = readHeader(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}
