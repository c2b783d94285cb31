import { STATUS_CODES } from 'node:http';

/** An error the API answers with its own status and message (every error body is `{statusCode, error, message}`). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Extra fields for the body (the upload's lists of files, say). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The body of every error answer. */
export function errorBody(statusCode: number, message: string, details: Record<string, unknown> = {}) {
  const error = STATUS_CODES[statusCode] ?? 'Error';
  // Details that carry a field of their own by these names (a process summary's `message`) never replace the
  // error's: the first three keep their place and their values.
  const own = { statusCode, error, message };
  return { ...own, ...details, ...own };
}
