import os from 'node:os';

/** Who runs the command, for `uploaded_by` and the audit log when no `--user` is given. */
export function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // A container user without a passwd entry.
    return process.env.USER ?? 'unknown';
  }
}
