import { errorCatalog, type ErrorCode } from './error-catalog.js';

/** The JSON body every error response has: `{"error": {"code", "message", "details"?}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * An error that the HTTP layer renders from the catalog. Domain code returns outcome values for
 * expected results; this is thrown only at the HTTP edge or for request validation.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? errorCatalog[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}
