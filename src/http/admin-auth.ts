import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors/api-error.js';
import { constantTimeEqual } from '../crypto/constant-time-equal.js';

/** An onRequest hook requiring `Authorization: Bearer <admin key>`, compared in constant time. */
export function requireAdminKey(adminKey: string) {
  return async function checkAdminKey(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null || !constantTimeEqual(match[1] as string, adminKey)) throw new ApiError('unauthorized');
  };
}
