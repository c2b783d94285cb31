import os from 'node:os';
import { UsageError } from '../errors.js';

/**
 * The account's home folder, for a hint only: `HOME`, else the passwd entry. Under cron or a systemd unit
 * there may be neither (`env -i`, `DynamicUser=yes`, a container's uid with no passwd line), and a hint
 * must never stop the run.
 */
export function homeFolder(env: NodeJS.ProcessEnv): string | undefined {
  if (env.HOME) return env.HOME;
  try {
    // Node reads HOME first: set but empty, it answers '' (and a hint would say '/drop' for '~/drop').
    return os.homedir() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a path setting no shell produced as meant: an empty one (`--log-file "$LOG"` with LOG unset in a
 * cron line), which would silently turn the setting off or mean the current folder, and one that starts
 * with `~`, which only a shell expands — not inside quotes, a config file, an environment variable or a
 * systemd unit — and would otherwise make a folder literally named `~` in the working directory (with the
 * archived PDFs, the log, the uploads in it). `home` is the account's home folder (homeFolder), for the hint.
 */
export function checkPathSetting(value: string, name: string, home: string | undefined): void {
  if (value.trim() === '') {
    throw new UsageError(
      `${name} is empty`,
      `give a path, or leave ${name} out; in a cron line or a systemd unit, check the variable it comes from`,
    );
  }
  // A database may be given as `sqlite:PATH`: the path after the scheme is what a shell did not expand.
  const scheme = /^sqlite:/i.exec(value)?.[0] ?? '';
  const tilde = /^~([^/]*)(\/.*)?$/.exec(value.slice(scheme.length));
  if (tilde) {
    const [, user, rest = ''] = tilde;
    const instead =
      user === '' && home !== undefined
        ? `${scheme}${home.replace(/\/$/, '')}${rest}`
        : `the home folder of ${user === '' ? 'this account' : user} followed by '${rest}'`;
    throw new UsageError(
      `${name} '${value}' starts with '${scheme}~', which only a shell expands (not inside quotes, a config file, an environment variable or a systemd unit)`,
      `write the full path instead: ${instead}`,
    );
  }
}
