import { Type } from 'typebox';

/** Route ids are checked by route validation; any id in a URL that matches nothing is a 404. */
export const RouteIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
