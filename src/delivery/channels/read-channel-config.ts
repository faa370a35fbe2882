/**
 * Typed reads of a channel's effective `config` (defaults merged with the user's override). The
 * schema is checked when a config is written, but defaults come from the config file too, so a
 * value of the wrong type reads as absent instead of reaching a request.
 */

/** A non-empty string after trimming, else undefined. */
export function readConfigString(config: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = config[key];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A boolean, else `fallback`. */
export function readConfigBoolean(config: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = config[key];
  return typeof value === 'boolean' ? value : fallback;
}
