import { Type, type Static } from 'typebox';

/**
 * An alert as the built-in agents read it (seed 000's ChainSync shape). Every field is optional and
 * extra fields are kept, so alerts from other sources still fit; agents degrade on what is missing.
 */
export const AlertSchema = Type.Object({
  alert_id: Type.Optional(Type.String()),
  alert_type: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  affected_systems: Type.Optional(Type.Array(Type.String())),
  detected_at: Type.Optional(Type.String()),
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export type Alert = Static<typeof AlertSchema>;

/** A past alert, with the root cause found for it when one was. */
export const PastAlertSchema = Type.Object({ ...AlertSchema.properties, root_cause: Type.Optional(Type.String()) });

export type PastAlert = Static<typeof PastAlertSchema>;
