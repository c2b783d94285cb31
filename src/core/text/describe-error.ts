/** What to tell a person about an error: its message (anything thrown that is not an Error, as text). */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
