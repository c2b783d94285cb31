import { ServiceUnavailableError, UserError } from '../errors.js';

/**
 * A move or detach changes the vectors first and the registry after. When the vector store fails while it is
 * being written, part of the change may be there (a write whose answer was lost may well have been applied):
 * the vectors can name another patient than the registry does. A bare "cannot reach Chroma" reads as "nothing
 * changed", and the admin who walks away leaves the document findable under the wrong patient; the refusal
 * says what may now disagree and the command that brings the two in line, with the store's own exit code.
 * An error that is not the user's (a bug) goes on as it is.
 */
export function unfinishedVectorChange(
  error: unknown,
  change: { disagreement: string; finish: string },
): unknown {
  if (!(error instanceof UserError)) return error;
  const message = `${error.message}; ${change.disagreement}`;
  const hint = error.hint ? `${error.hint}; then ${change.finish}` : change.finish;
  return error instanceof ServiceUnavailableError
    ? new ServiceUnavailableError(message, hint, error.exitCode)
    : new UserError(message, error.exitCode, hint);
}
