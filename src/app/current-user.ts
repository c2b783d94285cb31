import os from 'node:os';

/** Who runs the command, for `uploaded_by` and the audit log when no `--user` is given. */
export function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // A uid with no passwd entry (systemd's DynamicUser=yes, a container's --user): the environment may still
    // name the account; otherwise its uid does, which the audit can trace where 'unknown' could not.
    const named = process.env.USER?.trim() || process.env.LOGNAME?.trim();
    if (named) return named;
    const uid = process.getuid?.();
    return uid === undefined ? 'unknown' : `uid ${uid}`;
  }
}
