/**
 * Twilio's signed string: the URL followed, for a form post, by each parameter name and value
 * with no delimiters, names sorted; a repeated name contributes each distinct value, sorted
 * (what twilio-node and twilio-python both do).
 */
export function twilioSignedString(url: string, params: URLSearchParams | undefined): string {
  if (params === undefined) return url;
  let signed = url;
  for (const name of [...new Set(params.keys())].sort()) {
    for (const value of [...new Set(params.getAll(name))].sort()) signed += name + value;
  }
  return signed;
}
