const cache = new Map<string, RegExp>();

/** True when `value` matches `pattern`, where `*` stands for any run of characters (e.g. "payment.*"). */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  let regex = cache.get(pattern);
  if (regex === undefined) {
    const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    regex = new RegExp(`^${body}$`, 's');
    if (cache.size < 10_000) cache.set(pattern, regex);
  }
  return regex.test(value);
}
