/**
 * Who is deciding a waiting file right now. Two admins may walk the same reviews at once (two terminals,
 * a terminal and the HTTP API): the one who starts a decision first claims the file, and the other's
 * decision on it is refused instead of both being written (an attach and a reject of one file would
 * leave a document on a file marked rejected). The claim lives in the file's matching_details, swapped in
 * and out by compare-and-swap, so no table or lock service is needed and a crashed sitting's claim expires.
 */
export interface DecisionClaim {
  /** The sitting (one ReviewService) that holds it. */
  sitting: string;
  /** The reviewer, for the other sitting's refusal. */
  by: string;
  host: string;
  pid: number;
  at: string;
}

/** Longer than any decision (an attach embeds a long document): a claim older than this was left behind. */
export const STALE_CLAIM_MS = 15 * 60_000;

const KEY = 'deciding';

/** The claim recorded in a file's matching_details, if any. */
export function readClaim(details: string | null): DecisionClaim | null {
  const value = parse(details)?.[KEY];
  if (!value || typeof value !== 'object') return null;
  const claim = value as Partial<DecisionClaim>;
  return {
    sitting: String(claim.sitting ?? ''),
    by: String(claim.by ?? ''),
    host: String(claim.host ?? ''),
    pid: Number(claim.pid ?? 0),
    at: String(claim.at ?? ''),
  };
}

/** The matching_details with the claim in it. */
export function withClaim(details: string | null, claim: DecisionClaim): string {
  return JSON.stringify({ ...(parse(details) ?? {}), [KEY]: claim });
}

/** The matching_details without a (stale) claim: as they were before it was taken. */
export function withoutClaim(details: string | null): string | null {
  const value = parse(details);
  if (!value || !(KEY in value)) return details;
  const rest = { ...value };
  delete rest[KEY];
  return JSON.stringify(rest);
}

/**
 * Whether a claim still stands: not when its process is known dead (on this host) or it is older than
 * STALE_CLAIM_MS (another host's process cannot be asked).
 */
export function claimStands(
  claim: DecisionClaim,
  here: { host: string; now: number; isAlive: (pid: number) => boolean },
): boolean {
  const at = Date.parse(claim.at);
  if (!Number.isFinite(at) || here.now - at > STALE_CLAIM_MS) return false;
  return claim.host !== here.host || here.isAlive(claim.pid);
}

function parse(details: string | null): Record<string, unknown> | null {
  if (!details) return null;
  try {
    const value: unknown = JSON.parse(details);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
