import { Type } from 'typebox';
import { DEFAULT_PAGE_LIMIT } from '../cursor.js';

export const ListEventsQuery = Type.Object({
  source: Type.Optional(Type.String({ maxLength: 128 })),
  type: Type.Optional(Type.String({ maxLength: 512 })),
  routed: Type.Optional(Type.Boolean({ description: 'false: only events no route matched (kept unrouted); true: only events that started runs.' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Received at or after (ISO 8601).' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Received before (ISO 8601).' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: DEFAULT_PAGE_LIMIT })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

export const EventIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
