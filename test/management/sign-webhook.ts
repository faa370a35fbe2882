import { randomUUID } from 'node:crypto';
import { getScheme } from '../../src/ingress/verify/scheme-registry.js';

/** The headers a provider would send to sign `body` with `secret` under `schemeName` (plus options), at `nowMs`. */
export function signWebhook(
  schemeName: string,
  body: Buffer,
  secret: string,
  context: { readonly nowMs: number; readonly messageId?: string; readonly url?: string; readonly options?: Readonly<Record<string, unknown>> },
): Record<string, string> {
  const scheme = getScheme(schemeName);
  if (scheme === undefined) throw new Error(`no scheme ${schemeName}`);
  const parsed = scheme.parseOptions(context.options ?? {});
  if (!parsed.ok) throw new Error(parsed.message);
  return scheme.sign(body, secret, parsed.options, {
    url: context.url ?? 'http://localhost/',
    messageId: context.messageId ?? `msg_${randomUUID()}`,
    nowMs: context.nowMs,
  });
}
