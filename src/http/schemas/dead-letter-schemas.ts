import { Type } from 'typebox';
import { DEFAULT_PAGE_LIMIT } from '../cursor.js';

/** Which dead letters: every field narrows; the time range applies to when the job died. */
const deadLetterFilter = {
  queue: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  route: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Run jobs of this route.' })),
  step: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Run jobs whose failed step has this name.' })),
  error_code: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Died at or after (ISO 8601).' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Died before (ISO 8601).' })),
};

export const ListDeadLettersQuery = Type.Object({
  ...deadLetterFilter,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const BulkReplayBody = Type.Object(deadLetterFilter, { additionalProperties: false });

export const DeadLetterIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
