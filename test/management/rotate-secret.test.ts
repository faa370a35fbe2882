import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/test-database.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/test-switchboard.js';
import { signWebhook } from './sign-webhook.js';

const T0 = Date.parse('2026-05-10T08:00:00.000Z');

describe.each(dialects)('management API: rotating a secret (%s)', (dialect) => {
  let sb: TestSwitchboard | undefined;
  afterEach(async () => {
    await sb?.stop();
    sb = undefined;
  });

  async function start() {
    const now = { t: T0 };
    const app = await startTestSwitchboard({ dialect, clock: { nowMs: () => now.t } });
    sb = app;
    let n = 0;
    /** Sends a fresh (never seen) webhook signed with `secret` at the current clock time; returns the status. */
    const sendSignedWith = async (secret: string) => {
      n += 1;
      const body = Buffer.from(JSON.stringify({ type: 'rotation.check', n }));
      const headers = signWebhook('standard-webhooks', body, secret, { nowMs: now.t, messageId: `msg_rot_${n}` });
      const response = await app.app.inject({ method: 'POST', url: '/integration/webhooks/rotating', headers: { ...headers, 'content-type': 'application/json' }, payload: body });
      return { status: response.statusCode, code: response.statusCode >= 400 ? response.json<{ error: { code: string } }>().error.code : undefined };
    };
    const registered = await app.app.inject({ method: 'POST', url: '/integration/webhooks/register', headers: app.auth, payload: { endpoint_id: 'rotating' } });
    expect(registered.statusCode).toBe(201);
    return { sb: app, now, sendSignedWith, oldSecret: registered.json<{ secret: string }>().secret };
  }

  it('returns a new secret once; the old one verifies during grace_seconds and stops after', async () => {
    const { sb, now, sendSignedWith, oldSecret } = await start();
    expect((await sendSignedWith(oldSecret)).status).toBe(202);

    const rotated = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/rotating/rotate-secret', headers: sb.auth, payload: { grace_seconds: 60 } });
    expect(rotated.statusCode).toBe(200);
    const body = rotated.json<{ endpoint_id: string; secret: string; previous_secret_expires_at: string }>();
    expect(body.endpoint_id).toBe('rotating');
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(oldSecret);
    expect(Buffer.from(body.secret.slice(6), 'base64')).toHaveLength(32);
    expect(body.previous_secret_expires_at).toBe(new Date(T0 + 60_000).toISOString());
    const newSecret = body.secret;

    const shown = await sb.app.inject({ method: 'GET', url: '/integration/webhooks/rotating', headers: sb.auth });
    expect(shown.body).not.toContain(newSecret);
    expect(shown.body).not.toContain(oldSecret);

    expect(await sendSignedWith(newSecret)).toEqual({ status: 202, code: undefined });
    now.t = T0 + 59_000;
    expect(await sendSignedWith(oldSecret)).toEqual({ status: 202, code: undefined });
    expect(await sendSignedWith(newSecret)).toEqual({ status: 202, code: undefined });
    now.t = T0 + 61_000;
    expect(await sendSignedWith(oldSecret)).toEqual({ status: 401, code: 'signature_invalid' });
    expect(await sendSignedWith(newSecret)).toEqual({ status: 202, code: undefined });
  });

  it('defaults the grace period to a day, never echoes a given secret, and 404s an unknown endpoint', async () => {
    const { sb, now, sendSignedWith, oldSecret } = await start();
    const given = 'operator-chosen-secret-0123456789';
    const rotated = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/rotating/rotate-secret', headers: sb.auth, payload: { secret: given } });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.body).not.toContain(given);
    expect(rotated.json()).toEqual({ endpoint_id: 'rotating', previous_secret_expires_at: new Date(T0 + 86_400_000).toISOString() });

    now.t = T0 + 86_399_000;
    expect((await sendSignedWith(oldSecret)).status).toBe(202);
    expect((await sendSignedWith(given)).status).toBe(202);
    now.t = T0 + 86_401_000;
    expect((await sendSignedWith(oldSecret)).status).toBe(401);
    expect((await sendSignedWith(given)).status).toBe(202);

    const noBody = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/rotating/rotate-secret', headers: sb.auth });
    expect(noBody.statusCode).toBe(200);
    expect(noBody.json<{ secret: string }>().secret).toMatch(/^whsec_/);

    const unknown = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/nobody/rotate-secret', headers: sb.auth, payload: {} });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'endpoint_not_found' } });
    const badGrace = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/rotating/rotate-secret', headers: sb.auth, payload: { grace_seconds: -1 } });
    expect(badGrace.statusCode).toBe(400);
    const unauthorized = await sb.app.inject({ method: 'POST', url: '/integration/webhooks/rotating/rotate-secret', payload: {} });
    expect(unauthorized.statusCode).toBe(401);
  });
});
