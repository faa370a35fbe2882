import { apiKeyScheme } from './api-key.js';
import { botlyneScheme } from './botlyne.js';
import { calendlyScheme } from './calendly.js';
import { chainsyncScheme } from './chainsync.js';
import { githubScheme } from './github.js';
import { hmacScheme } from './hmac.js';
import { metaScheme } from './meta.js';
import { noneScheme } from './none.js';
import { shopifyScheme } from './shopify.js';
import { slackScheme } from './slack.js';
import { standardWebhooksScheme } from './standard-webhooks.js';
import { stripeScheme } from './stripe.js';
import { twilioScheme } from './twilio.js';
import type { VerificationScheme } from './verification-scheme.js';

/** Every signature scheme an endpoint may name in `verification.scheme`. */
export const schemeNames = [
  'standard-webhooks',
  'hmac',
  'chainsync',
  'botlyne',
  'github',
  'meta',
  'shopify',
  'stripe',
  'slack',
  'calendly',
  'twilio',
  'api-key',
  'none',
] as const;

export type SchemeName = (typeof schemeNames)[number];

/**
 * The schemes keyed by name. The mapped type makes a name without a scheme, or a scheme filed
 * under another name, fail to compile.
 */
export const schemeRegistry: { readonly [K in SchemeName]: VerificationScheme & { readonly name: K } } = {
  'standard-webhooks': standardWebhooksScheme,
  hmac: hmacScheme,
  chainsync: chainsyncScheme,
  botlyne: botlyneScheme,
  github: githubScheme,
  meta: metaScheme,
  shopify: shopifyScheme,
  stripe: stripeScheme,
  slack: slackScheme,
  calendly: calendlyScheme,
  twilio: twilioScheme,
  'api-key': apiKeyScheme,
  none: noneScheme,
};

/** The scheme registered under `name`, or undefined for an unknown name. */
export function getScheme(name: string): VerificationScheme | undefined {
  return (schemeNames as readonly string[]).includes(name) ? schemeRegistry[name as SchemeName] : undefined;
}
