import { globMatch } from '../../core/glob-match.js';
import { bodyKindFor } from './parse-webhook-body.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/**
 * Why a body of this media type is refused on the endpoint (`415 unsupported_media_type`), or
 * undefined when it is accepted: a type Switchboard cannot read, or one outside the endpoint's
 * `content_types`. Checked before the body is read, and again by receiveWebhook for callers that
 * bypass HTTP.
 */
export function mediaTypeRefusal(endpoint: Pick<WebhookEndpoint, 'contentTypes'>, mediaType: string): string | undefined {
  if (bodyKindFor(mediaType) === undefined) return `Content type "${mediaType}" is not accepted; send JSON, form, XML, text or octet-stream.`;
  if (endpoint.contentTypes.length > 0 && !endpoint.contentTypes.some((pattern) => globMatch(pattern, mediaType))) {
    return `${mediaType === '' ? 'A body without Content-Type' : `Content type ${mediaType}`} is not accepted by this endpoint; it accepts ${endpoint.contentTypes.join(', ')}.`;
  }
  return undefined;
}
