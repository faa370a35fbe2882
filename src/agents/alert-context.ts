import type { Alert } from './alert-schema.js';

/** A numeric context field found under one of several names, e.g. `connection_count` or `active_connections`. */
export interface ContextNumber {
  readonly key: string;
  readonly value: number;
}

/** The first of `keys` whose context value is a finite number (or a numeric string). */
export function readContextNumber(alert: Alert, keys: readonly string[]): ContextNumber | undefined {
  const context = alert.context ?? {};
  for (const key of keys) {
    const raw = context[key];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (Number.isFinite(value)) return { key, value };
  }
  return undefined;
}

/** The first of `keys` whose context value is a non-empty string. */
export function readContextString(alert: Alert, keys: readonly string[]): { key: string; value: string } | undefined {
  const context = alert.context ?? {};
  for (const key of keys) {
    const raw = context[key];
    if (typeof raw === 'string' && raw.trim() !== '') return { key, value: raw };
  }
  return undefined;
}
