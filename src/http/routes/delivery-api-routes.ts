import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app-deps.js';
import { deliveryRoutes } from './delivery-routes.js';
import { integrationRoutes } from './integration-routes.js';
import { notificationRoutes } from './notification-routes.js';
import { userProfileRoutes } from './user-profile-routes.js';

/** The delivery issue's API: integration defaults and overrides, user profiles, notifications, deliveries. */
export async function deliveryApiRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(integrationRoutes, deps);
  await app.register(userProfileRoutes, deps);
  await app.register(notificationRoutes, deps);
  await app.register(deliveryRoutes, deps);
}
