import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors/api-error.js';

/** Fastify's own error codes and the catalog entries they become. */
const fastifyCodes: Readonly<Record<string, ApiError['code']>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_invalid',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body_invalid',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'body_invalid',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

/** Renders every error as `{"error": {"code", "message", "details"?}}` from the one catalog. */
export function errorHandler(error: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  request.errorCode = apiError.code;
  if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
  if (apiError.code === 'payload_too_large') reply.header('connection', 'close');
  void reply.status(apiError.status).send(apiError.toBody());
}

function toApiError(error: FastifyError | ApiError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) {
    const details = fastifyError.validation.map((v) => ({ path: `${fastifyError.validationContext ?? ''}${v.instancePath}`, message: v.message }));
    return new ApiError('validation_failed', `Invalid ${fastifyError.validationContext ?? 'request'}: ${fastifyError.message}`, details);
  }
  const mapped = fastifyError.code === undefined ? undefined : fastifyCodes[fastifyError.code];
  if (mapped !== undefined) return new ApiError(mapped, fastifyError.message);
  if (fastifyError instanceof SyntaxError && fastifyError.statusCode === 400) return new ApiError('body_invalid', fastifyError.message);
  if (fastifyError.statusCode === 429) return new ApiError('rate_limited');
  return new ApiError('internal_error');
}
