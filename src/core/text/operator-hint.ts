/**
 * The CLI's advice after a backend error ends with "run the same command again": right for `ingest`, wrong for
 * whoever runs a process that stays up (a server, a queue worker: there is no command to run again) and for
 * the server's clients.
 */
const RUN_AGAIN =
  /(?:; then |,? then |; |, )?(?:once it is fixed, )?run the same command again(?: once it is back)?(?:: [^()]*?| \([^)]*\))?(?= \(|$)/;

/** The processes that stay up through a backend's outage, and what each does meanwhile, for its operator. */
const STAYS_UP = {
  server: {
    check: "check that the service is up and its address in the server's settings",
    meanwhile:
      'the server stays up: its calls answer 503 (with Retry-After) until the service is back, and a session whose ' +
      'processing stopped finishes its files when it is processed again',
  },
  worker: {
    check: "check that the service is up and its address in the worker's settings",
    meanwhile:
      'the worker stays up: it takes its jobs again by itself once the service is back, with no restart; the files ' +
      'of the jobs it put back are not failed',
  },
  /** `worker --until-idle`: it waits an outage out only so long (queue.untilIdleOutageSeconds). */
  oneShotWorker: {
    check: "check that the service is up and its address in the worker's settings",
    meanwhile:
      'this --until-idle run waits for the service up to queue.untilIdleOutageSeconds, then stops; the files of ' +
      'the jobs it put back are not failed',
  },
} as const;

/**
 * A backend error's hint as the operator of `serve` (or of a `worker`) needs it: what to check (the service's
 * address, whether it is up) without the CLI's "run the same command again", and what the process does meanwhile.
 */
export function operatorHint(hint: string | undefined, process: keyof typeof STAYS_UP = 'server'): string {
  const { check, meanwhile } = STAYS_UP[process];
  return `${hint?.replace(RUN_AGAIN, '').trim() || check}; ${meanwhile}`;
}
