import { Type, type Static } from 'typebox';

/** Where a lead's meeting stands: new → link_sent → scheduled | canceled (a canceled lead may be sent a link again). */
export const LeadStatusSchema = Type.Union([Type.Literal('new'), Type.Literal('link_sent'), Type.Literal('scheduled'), Type.Literal('canceled')]);
export type LeadStatus = Static<typeof LeadStatusSchema>;
