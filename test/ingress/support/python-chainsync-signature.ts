import { execFileSync } from 'node:child_process';

/** Seed 000's "Generating HMAC Signatures" Python example, verbatim, plus a driver that prints its result. */
const SCRIPT = `
import hmac
import hashlib
import time
import json
import sys

def generate_signature(payload, secret_key):
    timestamp = str(int(time.time()))
    payload_str = json.dumps(payload)
    message = f"{timestamp}.{payload_str}"

    signature = hmac.new(
        secret_key.encode('utf-8'),
        message.encode('utf-8'),
        hashlib.sha256
    ).hexdigest()

    return signature, timestamp

payload = json.loads(sys.argv[1])
signature, timestamp = generate_signature(payload, sys.argv[2])
print(json.dumps({"signature": signature, "timestamp": timestamp, "body": json.dumps(payload)}))
`;

/**
 * Signs `payload` exactly as ChainSync's Python sender does. `body` is Python's `json.dumps` text
 * (", " and ": " separators, non-ASCII escaped), which is what the sender puts on the wire.
 */
export function pythonChainsyncSignature(payload: unknown, secret: string): { signature: string; timestamp: string; body: string } {
  const out = execFileSync('python3', ['-c', SCRIPT, JSON.stringify(payload), secret], { encoding: 'utf8' });
  return JSON.parse(out) as { signature: string; timestamp: string; body: string };
}
