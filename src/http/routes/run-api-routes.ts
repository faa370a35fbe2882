import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { runRoutes } from './run-routes.js';

/** The runs API and the dead letters its jobs leave, registered together (one line in build-app). */
export async function runApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(runRoutes, deps);
  await app.register(deadLetterRoutes, deps);
}
