import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ApiError } from '../core/errors/api-error.js';
import type { AppDeps } from './app-deps.js';
import { platformIntegrationRoutes } from './routes/platform-integration-routes.js';
import { leadRoutes } from './routes/lead-routes.js';
import { drainThenClose } from './drain-then-close.js';
import { errorHandler } from './error-handler.js';
import { agentRoutes } from './routes/agent-routes.js';
import { alertMeetingRoutes } from './routes/alert-meeting-routes.js';
import { deliveryApiRoutes } from './routes/delivery-api-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { routeRoutes } from './routes/route-routes.js';
import { runApiRoutes } from './routes/run-api-routes.js';
import { webhookManagementRoutes } from './routes/webhook-management-routes.js';
import { webhookReceiveRoutes } from './routes/webhook-receive-routes.js';
import { ErrorResponse } from './schemas/error-schema.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A hop count N trusts the N nearest proxies; booleans and CIDR lists pass through. */
function trustProxySetting(setting: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

/**
 * Answers requests Node's HTTP parser refuses (bad framing, oversized headers) in the catalog's
 * JSON format, then closes the socket: the connection's state is unknown after a parse error.
 */
function answerMalformedRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, apiError] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', new ApiError('headers_too_large')]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', new ApiError('request_timeout')]
        : [400, 'Bad Request', new ApiError('request_malformed')];
  const body = JSON.stringify(apiError.toBody());
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Builds the HTTP app from its dependencies; tests call this and use `app.inject()` or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: trustProxySetting(deps.config.server.trust_proxy),
    bodyLimit: deps.config.server.api_body_limit_bytes,
    requestIdHeader: false,
    // Take a caller's X-Request-Id when it is well-formed, so logs correlate across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    forceCloseConnections: 'idle',
    // Requests arriving during shutdown get the catalog's 503 from the hook below instead.
    return503OnClosing: false,
    clientErrorHandler: answerMalformedRequest,
  });
  app.decorateRequest('webhookState', null);
  app.decorateRequest('errorCode', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    request.errorCode = 'route_not_found';
    void reply.status(404).send(new ApiError('route_not_found', `No route ${request.method} ${request.url.split('?', 1)[0]}.`).toBody());
  });
  // Once shutdown starts, new requests get 503 and every answer closes its connection: otherwise a
  // keep-alive client whose in-flight request just finished holds `close()` open until it hangs up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done(closing ? new ApiError('service_unavailable', 'Switchboard is shutting down; retry on another instance or later.') : undefined);
  });
  // An answer sent while the request body is still arriving (any refusal made before the body is
  // read: 401, 404, 413…) closes in bounded stages (see drainThenClose), on every route.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) {
      reply.removeHeader('connection');
      drainThenClose(request.raw);
    } else if (closing) {
      void reply.header('connection', 'close');
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.recordHttpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Switchboard', version: '0.1.0', description: 'Verified webhooks in, a durable event log, and the management API.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'SWITCHBOARD_ADMIN_KEY' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.addSchema(ErrorResponse);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(rateLimit, {
    global: false,
    ...(deps.redis === undefined ? {} : { redis: deps.redis, nameSpace: 'switchboard-rl:' }),
    // If Redis is unreachable, let requests through rather than refuse every webhook.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => new ApiError('rate_limited', `Rate limit of ${context.max} requests exceeded; retry in ${context.after}.`),
  });

  await app.register(healthRoutes, deps);
  await app.register(agentRoutes, deps);
  await app.register(alertMeetingRoutes, deps);
  await app.register(webhookManagementRoutes, deps);
  await app.register(eventRoutes, deps);
  await app.register(runApiRoutes, deps);
  await app.register(routeRoutes, deps);
  await app.register(deliveryApiRoutes, deps);
  await app.register(platformIntegrationRoutes, deps);
  await app.register(leadRoutes, deps);
  await app.register(webhookReceiveRoutes, deps);
  return app;
}
