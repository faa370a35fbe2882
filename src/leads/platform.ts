/** The platforms a user connects their own account of (seed 003): the registry keys below are these. */
export const platforms = ['calendly', 'whatsapp'] as const;
export type Platform = (typeof platforms)[number];

/** A platform name from a path or a body, in any case; undefined when it is not one. */
export function parsePlatform(text: string): Platform | undefined {
  const lower = text.trim().toLowerCase();
  return (platforms as readonly string[]).includes(lower) ? (lower as Platform) : undefined;
}
