/** NOM-004-SSA3-2012, 5.4: a clinical record is kept at least five years from its last act. */
export const NOM_004_RETENTION_YEARS = 5;

export interface RetentionVerdict {
  /** Documents still within the retention period. */
  held: number;
  /** When the last of them leaves it (null when none is held): from then on all may be purged. */
  purgeableFrom: Date | null;
}

/** The moment a record whose last act was at `lastActAt` may be deleted: `years` calendar years later. */
export function retentionEnds(lastActAt: string, years: number): Date {
  const end = new Date(lastActAt);
  end.setUTCFullYear(end.getUTCFullYear() + years);
  return end;
}

/**
 * Which of these documents the retention still holds at `now`. A date that cannot be read holds its document
 * (a record is never deleted on a guess).
 */
export function checkRetention(
  lastActs: readonly { lastActAt: string }[],
  years: number,
  now: Date,
): RetentionVerdict {
  let held = 0;
  let purgeableFrom: Date | null = null;
  for (const { lastActAt } of lastActs) {
    const end = retentionEnds(lastActAt, years);
    if (Number.isNaN(end.getTime())) {
      held++;
      continue;
    }
    if (end.getTime() > now.getTime()) {
      held++;
      if (!purgeableFrom || end > purgeableFrom) purgeableFrom = end;
    }
  }
  return { held, purgeableFrom };
}
