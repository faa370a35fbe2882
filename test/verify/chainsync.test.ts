import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { chainsyncScheme } from '../../src/ingress/verify/chainsync.js';
import { makeRequest } from './make-request.js';
import { parseOptionsOrThrow } from './parse-options-or-throw.js';

const SECRET = 'your-hmac-secret-key';
const options = parseOptionsOrThrow(chainsyncScheme);

/** ChainSync's Python sender, verbatim: the body is `json.dumps(payload)` (", " and ": " separators, \u escapes). */
const PYTHON_SENDER = `
import hashlib, hmac, json, sys, time
secret_key = sys.argv[1]
payload = json.loads(sys.argv[2])
timestamp = str(int(time.time())); payload_str = json.dumps(payload); message = f"{timestamp}.{payload_str}"
signature = hmac.new(secret_key.encode('utf-8'), message.encode('utf-8'), hashlib.sha256).hexdigest()
print(json.dumps({"timestamp": timestamp, "body": payload_str, "signature": signature}))
`;

const ALERT = {
  alert_id: 'chainsync-alert-12345',
  alert_type: 'system_failure',
  severity: 'critical',
  description: 'Database connection pool exhausted \u2014 r\u00e9plica down',
  affected_systems: ['API Gateway', 'User Service'],
  detected_at: '2025-11-26T10:30:00Z',
  context: { connection_count: 100, max_connections: 100 },
};

interface PythonSigned {
  readonly timestamp: string;
  readonly body: string;
  readonly signature: string;
}

function signWithPython(payload: unknown): PythonSigned {
  const output = execFileSync('python3', ['-c', PYTHON_SENDER, SECRET, JSON.stringify(payload)], { encoding: 'utf8' });
  return JSON.parse(output) as PythonSigned;
}

describe('chainsync', () => {
  const signed = signWithPython(ALERT);
  const nowMs = Number(signed.timestamp) * 1000 + 5_000;
  const headers = { 'X-API-Key': 'your-webhook-api-key', 'X-Webhook-Signature': signed.signature, 'X-Webhook-Timestamp': signed.timestamp };

  it("sends bytes that differ from JSON.stringify (so the test really uses Python's)", () => {
    expect(signed.body).not.toBe(JSON.stringify(ALERT));
    expect(signed.body).toContain('"alert_id": "chainsync-alert-12345", ');
    expect(signed.body).toContain('\\u2014');
  });

  it("verifies the Python sender's signature over its exact bytes", () => {
    expect(chainsyncScheme.verify(makeRequest({ body: signed.body, headers }), [SECRET], options, nowMs)).toEqual({ ok: true });
  });

  it('refuses the same payload re-serialised by JavaScript', () => {
    const result = chainsyncScheme.verify(makeRequest({ body: JSON.stringify(ALERT), headers }), [SECRET], options, nowMs);
    expect(result).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('signs the same lower-case hex as Python and MuleSoft DataWeave HMACWith(secret, …, "HmacSHA256")', () => {
    const ours = chainsyncScheme.sign(Buffer.from(signed.body), SECRET, options, { url: '', messageId: 'm', nowMs: Number(signed.timestamp) * 1000 });
    expect(ours).toEqual({ 'x-webhook-timestamp': signed.timestamp, 'x-webhook-signature': signed.signature });
  });

  it('accepts the digest in upper case too', () => {
    const upper = { ...headers, 'X-Webhook-Signature': signed.signature.toUpperCase() };
    expect(chainsyncScheme.verify(makeRequest({ body: signed.body, headers: upper }), [SECRET], options, nowMs)).toEqual({ ok: true });
  });

  it('applies the 5-minute window the ChainSync server used', () => {
    const late = Number(signed.timestamp) * 1000 + 301_000;
    expect(chainsyncScheme.verify(makeRequest({ body: signed.body, headers }), [SECRET], options, late)).toMatchObject({
      ok: false,
      code: 'timestamp_out_of_window',
    });
  });
});
