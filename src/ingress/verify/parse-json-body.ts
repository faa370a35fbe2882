/** The parsed JSON body, or undefined when the body is not JSON (a form post, say). */
export function parseJsonBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    return undefined; // not JSON: such a body simply has no fields to read
  }
}
