import { hmacScheme, type HmacOptions } from './hmac.js';
import { createOptionReader } from './option-reader.js';
import { readHeader } from './read-header.js';
import type { VerificationRequest, VerificationResult, VerificationScheme } from './verification-scheme.js';

/** What a verified request tells about itself: idempotency key, event type, headers to keep. */
export type DeliveryFacts = Omit<Extract<VerificationResult, { ok: true }>, 'ok'>;

/** Options of a preset: only the replay window, and only when the provider sends a timestamp. */
export interface HmacPresetOptions {
  readonly tolerance_seconds?: number | undefined;
}

export interface HmacPresetDefinition<N extends string> {
  readonly name: N;
  readonly description: string;
  /**
   * Fixed `hmac` configurations. The first whose signature header is present verifies a request
   * (GitHub falls back from SHA-256 to SHA-1 this way); `sign` always uses the first.
   */
  readonly variants: readonly [HmacOptions, ...HmacOptions[]];
  /** Reads idempotency key, event type and kept headers from a request already verified. */
  readonly describeDelivery?: (request: VerificationRequest) => DeliveryFacts;
  /** See VerificationScheme.acceptedStatus. */
  readonly acceptedStatus?: 200;
}

/** Builds a named provider scheme from fixed `hmac` settings; registration may override only `tolerance_seconds`. */
export function defineHmacPreset<N extends string>(
  definition: HmacPresetDefinition<N>,
): VerificationScheme<HmacPresetOptions> & { readonly name: N } {
  const [primary] = definition.variants;
  for (const variant of definition.variants) {
    const checked = hmacScheme.parseOptions({ ...variant });
    if (!checked.ok) throw new Error(`preset ${definition.name} has an invalid hmac variant: ${checked.message}`);
  }
  const timestamped = primary.timestamp_header !== undefined;
  const configure = (variant: HmacOptions, options: HmacPresetOptions): HmacOptions =>
    variant.timestamp_header === undefined ? variant : { ...variant, tolerance_seconds: options.tolerance_seconds ?? variant.tolerance_seconds };

  return {
    name: definition.name,
    description: definition.description,
    usesSecret: true,
    ...(definition.acceptedStatus === undefined ? {} : { acceptedStatus: definition.acceptedStatus }),

    parseOptions(raw) {
      const reader = createOptionReader(definition.name, raw);
      return timestamped ? reader.finish({ tolerance_seconds: reader.toleranceSeconds() }) : reader.finish({});
    },

    verify(request, secrets, options, nowMs) {
      const variant = definition.variants.find((candidate) => readHeader(request.headers, candidate.signature_header) !== undefined) ?? primary;
      const result = hmacScheme.verify(request, secrets, configure(variant, options), nowMs);
      if (!result.ok || definition.describeDelivery === undefined) return result;
      return { ok: true, ...definition.describeDelivery(request) };
    },

    sign(body, secret, options, context) {
      return hmacScheme.sign(body, secret, configure(primary, options), context);
    },
  };
}
