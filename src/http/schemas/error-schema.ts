import { Type } from 'typebox';

/** The shape of every error response. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
  },
  { $id: 'ErrorResponse', description: 'Every error: a code from the catalog (docs/errors.md) and a readable message.' },
);
