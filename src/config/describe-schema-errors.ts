/** What TypeBox reports of one failed check. */
export interface SchemaError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message: string;
  readonly params: unknown;
}

/**
 * One line per offending key, named by `label` (given the dotted key): unknown keys, "must be one
 * of …" for enumerations (instead of one line per allowed value), else the schema's message. At
 * most eight lines.
 */
export function describeSchemaErrors(errors: readonly SchemaError[], label: (key: string) => string): string[] {
  const byKey = new Map<string, SchemaError[]>();
  for (const error of errors) {
    // Unknown keys are reported twice (a `false` sub-schema, then additionalProperties); keep the first.
    if (error.keyword === 'additionalProperties') continue;
    const key = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    byKey.set(key, [...(byKey.get(key) ?? []), error]);
  }
  return [...byKey].slice(0, 8).map(([key, keyErrors]) => {
    const name = label(key);
    if (keyErrors.some((e) => e.keyword === 'boolean')) return `${name}: unknown key`;
    const allowed = keyErrors.filter((e) => e.keyword === 'const').map((e) => (e.params as { allowedValue?: unknown }).allowedValue);
    if (allowed.length > 0) return `${name}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    return `${name}: ${(keyErrors[0] as SchemaError).message}`;
  });
}
