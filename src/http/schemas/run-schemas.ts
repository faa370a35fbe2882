import { Type } from 'typebox';
import { DEFAULT_PAGE_LIMIT } from '../cursor.js';

const RunStatus = Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]);

export const ListRunsQuery = Type.Object({
  event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  route: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'A route id.' })),
  status: Type.Optional(RunStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const RunIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
