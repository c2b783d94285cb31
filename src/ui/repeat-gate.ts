/**
 * Lets a recurring warning through once per window and counts what it held back meanwhile: pg-boss retries
 * its queue maintenance every interval (down to seconds) for as long as the database is away, and a worker's
 * stderr (a terminal, the journal) should say so once, then how many more times, not a line per attempt.
 */
export class RepeatGate {
  private lastPassedAt: number | null = null;
  private heldBack = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** null: hold this one back; otherwise let it through, with how many were held back since the last one. */
  pass(): { heldBack: number } | null {
    const now = this.now();
    if (this.lastPassedAt !== null && now - this.lastPassedAt < this.windowMs) {
      this.heldBack++;
      return null;
    }
    const heldBack = this.heldBack;
    this.lastPassedAt = now;
    this.heldBack = 0;
    return { heldBack };
  }
}
