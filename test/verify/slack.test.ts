import { describe, expect, it } from 'vitest';
import { slackScheme } from '../../src/ingress/verify/slack.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

/**
 * The worked example on api.slack.com/authentication/verifying-requests-from-slack. Note the
 * command is `%2Fwebhook-collect`: with any other body the published signature does not match.
 */
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const SLACK_TIMESTAMP = '1531420618';
const SLACK_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
  '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
  '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
  '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SLACK_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const EXAMPLE_NOW = Number(SLACK_TIMESTAMP) * 1000 + 42_000;
const options = parseOptionsOrThrow(slackScheme);

const verify = (body: string, headers: Record<string, string>, nowMs = EXAMPLE_NOW) =>
  slackScheme.verify(makeRequest({ body, headers, contentType: 'application/x-www-form-urlencoded' }), [SLACK_SECRET], options, nowMs);

describe('slack', () => {
  it("verifies Slack's published example", () => {
    const headers = { 'x-slack-signature': SLACK_SIGNATURE, 'x-slack-request-timestamp': SLACK_TIMESTAMP };
    expect(verify(SLACK_BODY, headers)).toEqual({ ok: true, idempotencyKey: undefined, eventType: undefined, keptHeaders: undefined });
  });

  it('signs exactly the published signature for the published request', () => {
    const headers = slackScheme.sign(Buffer.from(SLACK_BODY), SLACK_SECRET, options, { url: '', messageId: 'm', nowMs: Number(SLACK_TIMESTAMP) * 1000 });
    expect(headers).toEqual({ 'x-slack-request-timestamp': SLACK_TIMESTAMP, 'x-slack-signature': SLACK_SIGNATURE });
  });

  it('refuses the published example once it is older than the tolerance', () => {
    const headers = { 'x-slack-signature': SLACK_SIGNATURE, 'x-slack-request-timestamp': SLACK_TIMESTAMP };
    expect(verify(SLACK_BODY, headers, EXAMPLE_NOW + 300_000)).toMatchObject({ ok: false, code: 'timestamp_out_of_window' });
    expect(verify(SLACK_BODY.replace('webhook-collect', 'webbot'), headers)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('reads event_id and the inner event type from an Events API callback, and keeps the retry headers', () => {
    const body = JSON.stringify({ type: 'event_callback', event_id: 'Ev08MFMKH6', event: { type: 'app_mention', text: '<@U1> hi' } });
    const nowMs = Date.UTC(2025, 10, 26, 10, 30, 0);
    const signed = slackScheme.sign(Buffer.from(body), SLACK_SECRET, options, { url: '', messageId: 'm', nowMs });
    const result = verify(body, { ...signed, 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }, nowMs);
    expect(result).toEqual({
      ok: true,
      idempotencyKey: 'Ev08MFMKH6',
      eventType: 'app_mention',
      keptHeaders: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
  });

  it('reports a verified url_verification as the handshake, with the challenge to echo', () => {
    const body = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'abc' });
    const nowMs = Date.UTC(2025, 10, 26, 10, 30, 0);
    const signed = slackScheme.sign(Buffer.from(body), SLACK_SECRET, options, { url: '', messageId: 'm', nowMs });
    expect(verify(body, signed, nowMs)).toEqual({ ok: true, handshake: { contentType: 'application/json', body: '{"challenge":"abc"}' } });
  });
});
