import type { Migration } from 'kysely';
import { migration0001Foundation } from './0001-foundation.js';
import { migration0002Jobs } from './0002-jobs.js';
import { migration0003Routes } from './0003-routes.js';
import { migration0004Runs } from './0004-runs.js';
import { migration0005LearningData } from './0005-learning-data.js';
import { migration0006EventRouting } from './0006-event-routing.js';
import { migration0007Delivery } from './0007-delivery.js';
import { migration0008JobClaimIndex } from './0008-job-claim-index.js';
import { migration0009DeliverySequenceUnique } from './0009-delivery-sequence-unique.js';
import { migration0010EndpointVerifyToken } from './0010-endpoint-verify-token.js';
import { migration0011EndpointSplit } from './0011-endpoint-split.js';
import { migration0012SeedFlows } from './0012-seed-flows.js';
import { migration0013LeadCanceledEvents } from './0013-lead-canceled-events.js';
import { migration0014EndpointContentTypes } from './0014-endpoint-content-types.js';

/** Every migration, numbered and forward-only. Append; never edit or reorder a migration that has shipped. */
export const migrationList: Readonly<Record<string, Migration>> = {
  '0001-foundation': migration0001Foundation,
  '0002-jobs': migration0002Jobs,
  '0003-routes': migration0003Routes,
  '0004-runs': migration0004Runs,
  '0005-learning-data': migration0005LearningData,
  '0006-event-routing': migration0006EventRouting,
  '0007-delivery': migration0007Delivery,
  '0008-job-claim-index': migration0008JobClaimIndex,
  '0009-delivery-sequence-unique': migration0009DeliverySequenceUnique,
  '0010-endpoint-verify-token': migration0010EndpointVerifyToken,
  '0011-endpoint-split': migration0011EndpointSplit,
  '0012-seed-flows': migration0012SeedFlows,
  '0013-lead-canceled-events': migration0013LeadCanceledEvents,
  '0014-endpoint-content-types': migration0014EndpointContentTypes,
};
