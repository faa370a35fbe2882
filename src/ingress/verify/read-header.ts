/** The trimmed value of a lower-case header, or undefined when it is absent or blank. */
export function readHeader(headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = headers[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
