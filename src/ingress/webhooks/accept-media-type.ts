import { globMatch } from '../../core/glob-match.js';
import { bodyKindFor, type BodyKind } from './parse-webhook-body.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/**
 * How the endpoint reads a body of this media type, or why it refuses it (`415
 * unsupported_media_type`): a type Switchboard cannot read, or one outside the endpoint's
 * `content_types`. Checked before the body is read, and again by receiveWebhook for callers that
 * bypass HTTP.
 */
export function acceptMediaType(endpoint: Pick<WebhookEndpoint, 'contentTypes'>, mediaType: string): { readonly bodyKind: BodyKind } | { readonly refusal: string } {
  const bodyKind = bodyKindFor(mediaType);
  if (bodyKind === undefined) return { refusal: `Content type "${mediaType}" is not accepted; send JSON, form, XML, text or octet-stream.` };
  if (endpoint.contentTypes.length > 0 && !endpoint.contentTypes.some((pattern) => globMatch(pattern, mediaType))) {
    return { refusal: `${mediaType === '' ? 'A body without Content-Type' : `Content type ${mediaType}`} is not accepted by this endpoint; it accepts ${endpoint.contentTypes.join(', ')}.` };
  }
  return { bodyKind };
}
