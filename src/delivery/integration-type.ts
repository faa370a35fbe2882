/** The channels a delivery can go through (seed 001's integration types that the dispatcher sends on). */
export const integrationTypes = ['SLACK', 'EMAIL', 'WEBHOOK', 'SMS', 'TEST'] as const;

export type IntegrationType = (typeof integrationTypes)[number];

/** Reads an integration type case-insensitively (`email` → `EMAIL`); undefined when it names none. */
export function parseIntegrationType(text: string): IntegrationType | undefined {
  const upper = text.toUpperCase();
  return (integrationTypes as readonly string[]).includes(upper) ? (upper as IntegrationType) : undefined;
}
