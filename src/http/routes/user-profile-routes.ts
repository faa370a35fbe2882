import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError } from '../../core/errors/api-error.js';
import { isEmailAddress } from '../../delivery/channels/is-email-address.js';
import { slackUserIdPattern } from '../../delivery/channels/slack-config-schema.js';
import { e164Pattern } from '../../delivery/channels/sms-config-schema.js';
import { findUserProfiles } from '../../store/user-profiles/find-user-profiles.js';
import { upsertUserProfile } from '../../store/user-profiles/upsert-user-profile.js';
import { requireAdminKey } from '../admin-auth.js';
import type { AppDeps } from '../app-deps.js';
import { UserIdParams, UserProfileBody } from '../schemas/delivery-schemas.js';
import { userProfileView } from '../views/delivery-view.js';

const security = [{ bearerAuth: [] }];
const tags = ['users'];

// The channels' own rules, so a profile the API accepts is one the channels can send to.
const E164 = new RegExp(e164Pattern);
const SLACK_USER_ID = new RegExp(slackUserIdPattern);

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Where each user can be reached: channels read addresses from a user's override config first, then from here. */
export async function userProfileRoutes(parent: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', requireAdminKey(deps.adminKey));

  app.put(
    '/api/v1/users/:user_id',
    { schema: { tags, security, summary: "Create (201) or change (200) a user's profile; absent fields are kept, null clears one", params: UserIdParams, body: UserProfileBody } },
    async (request, reply) => {
      const { body } = request;
      const problems: Array<{ path: string; message: string }> = [];
      if (typeof body.email === 'string' && !isEmailAddress(body.email)) problems.push({ path: 'email', message: 'must be an email address' });
      if (typeof body.phone === 'string' && !E164.test(body.phone)) problems.push({ path: 'phone', message: 'must be an E.164 number, e.g. +14155550100' });
      if (typeof body.slack_user_id === 'string' && !SLACK_USER_ID.test(body.slack_user_id)) problems.push({ path: 'slack_user_id', message: 'must be a Slack member id (U… or W…)' });
      if (typeof body.timezone === 'string' && !isTimeZone(body.timezone)) problems.push({ path: 'timezone', message: 'must be an IANA time zone, e.g. Europe/Berlin' });
      if (typeof body.webhook_url === 'string') {
        const allowed = deps.delivery.checkUrl(body.webhook_url);
        if (!allowed.ok) problems.push({ path: 'webhook_url', message: allowed.message });
      }
      if (problems.length > 0) throw new ApiError('profile_invalid', `Invalid profile: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`, problems);
      const { profile, created } = await upsertUserProfile(deps.store.db, { userId: request.params.user_id, fields: body, nowMs: deps.clock.nowMs() });
      deps.delivery.recipientChanged(request.params.user_id);
      return reply.status(created ? 201 : 200).send(userProfileView(profile));
    },
  );

  app.get('/api/v1/users/:user_id', { schema: { tags, security, summary: "A user's profile", params: UserIdParams } }, async (request) => {
    const [profile] = await findUserProfiles(deps.store.db, [request.params.user_id]);
    if (profile === undefined) throw new ApiError('user_profile_not_found', `No profile for user "${request.params.user_id}".`);
    return userProfileView(profile);
  });
}
