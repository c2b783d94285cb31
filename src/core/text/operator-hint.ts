/**
 * The CLI's advice after a backend error ends with "run the same command again": right for `ingest`, wrong for
 * whoever runs a server that stays up (there is no command to run again) and for its clients.
 */
const RUN_AGAIN =
  /(?:; then |,? then |; |, )?(?:once it is fixed, )?run the same command again(?: once it is back)?(?:: [^()]*?| \([^)]*\))?(?= \(|$)/;

/** What the server stays doing meanwhile, for its operator. */
const MEANWHILE =
  'the server stays up: its calls answer 503 (with Retry-After) until the service is back, and a session whose ' +
  'processing stopped finishes its files when it is processed again';

/**
 * A backend error's hint as the operator of `serve` needs it: what to check (the service's address, whether it
 * is up) without the CLI's "run the same command again", and what the server does meanwhile.
 */
export function operatorHint(hint: string | undefined): string {
  const check = hint?.replace(RUN_AGAIN, '').trim();
  return `${check || "check that the service is up and its address in the server's settings"}; ${MEANWHILE}`;
}
