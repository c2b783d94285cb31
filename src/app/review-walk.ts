import { describeError } from '../core/text/describe-error.js';
import { duplicatedByNewPatient } from '../review/new-patient-risk.js';
import type { ReviewService } from '../review/review-service.js';
import type {
  Agreement,
  AttachRisk,
  CandidateEvidence,
  DocumentIdentity,
  HeldReason,
  NotRecordedCause,
  PendingEntry,
  ReviewCase,
  ReviewChoice,
  ReviewNotice,
} from '../review/types.js';

// What the screens show comes from here: the UI imports nothing else from the layers below.
export type {
  Agreement,
  AttachRisk,
  CandidateEvidence,
  DocumentIdentity,
  HeldReason,
  NotRecordedCause,
  PendingEntry,
  ReviewCase,
  ReviewNotice,
};

/**
 * The parts of a confirmation that must have been read before its `y` acts: the row naming the candidate, and
 * each reason (a risk) it gives.
 */
export type ConfirmPart = 'candidate' | AttachRisk;

/** What a key asks of the walk; the key bindings map keys to these. */
export type ReviewAction =
  | { type: 'attach'; candidate: number }
  | { type: 'new_patient' }
  | { type: 'reject' }
  | { type: 'skip' }
  | { type: 'undo' }
  /** `y` while a risky attach waits for confirmation. */
  | { type: 'confirm' }
  /** Any other key while a confirmation waits. */
  | { type: 'cancel' }
  /** Browse without deciding. */
  | { type: 'previous' }
  | { type: 'next' }
  | { type: 'goto'; position: number }
  | { type: 'quit' };

/**
 * Where each file of the sitting stands: decided here, skipped here, or settled meanwhile by somebody else
 * (another terminal, the HTTP API), as far as the walk has seen (see refreshSettled).
 */
export type EntryStatus = 'pending' | 'attached' | 'created' | 'rejected' | 'skipped' | 'settled_elsewhere';

/** A file somebody else settled: its matching status now, and who, when the audit log says. */
export interface SettledElsewhere {
  status: string;
  by: string | null;
}

export interface ReviewTally {
  attached: number;
  created: number;
  rejected: number;
  /** Files skipped and not decided since (a file skipped twice counts once). */
  skipped: number;
  /** Distinct files shown in this sitting. */
  walked: number;
  /** Files of the sitting not decided, here or elsewhere (skipped ones included). */
  remaining: number;
  total: number;
  /** The pages and chunks stored by the files attached or made a new patient's (an undo takes them back). */
  pages: number;
  chunks: number;
}

export interface ReviewWalkState {
  /**
   * loading: fetching a case; reviewing: keys decide; confirming: a risky attach waits for `y`; working: a
   * decision is being carried out; done: past the last file; closed: the sitting is over.
   */
  phase: 'loading' | 'reviewing' | 'confirming' | 'working' | 'done' | 'closed';
  position: number;
  total: number;
  /** The files of the sitting (session, date, reason) and where each stands. */
  entries: readonly { entry: PendingEntry; status: EntryStatus; settled?: SettledElsewhere }[];
  current: ReviewCase | null;
  /**
   * The risky decision waiting for `y`: an attach to `candidate`, or a new patient while the document names
   * `candidate` (a registry patient); and why it is risky.
   */
  confirm: { action: 'attach' | 'new_patient'; candidate: CandidateEvidence; risks: AttachRisk[] } | null;
  notice: { tone: 'info' | 'success' | 'error'; notice: ReviewNotice } | null;
  tally: ReviewTally;
  canUndo: boolean;
  /**
   * Ctrl-C came while a decision (or an undo) was being written: the sitting ends once that write is
   * finished, and no key acts meanwhile.
   */
  closing: boolean;
  /**
   * While a decision or undo waits for a database another program keeps locked: the seconds waited so far
   * and the most it waits before saying it was not recorded. Null otherwise.
   */
  waitingForDatabase: { seconds: number; limitSeconds: number } | null;
  /**
   * The walk's clock time before which keys are dropped: a case (or a confirmation) has just appeared, and
   * a key typed before it was seen must not decide it.
   */
  acceptKeysFrom: number;
}

export interface ReviewWalkOptions {
  /** How long keys are ignored after a case or a confirmation appears (default 400 ms). */
  guardMs?: number;
  now?: () => number;
  /**
   * How long a decision or undo keeps trying a database another program keeps locked (default 15 s). Each
   * try waits as long as the database connection's own busy timeout: a review session shortens it (see
   * openReviewSession), so that the screen says what it waits for instead of freezing for the whole wait.
   */
  lockPatienceMs?: number;
}

/** How long a decision waits for a locked database in all, as any other write of the tool does. */
export const DEFAULT_LOCK_PATIENCE_MS = 15_000;
/** The pause between two tries of a decision the lock refused. */
const LOCK_RETRY_PAUSE_MS = 250;

export const DEFAULT_KEY_GUARD_MS = 400;

/**
 * Walks the files of a sitting one at a time over a ReviewService. Plain state and methods, no React: the
 * Ink screen subscribes and sends actions, tests drive it directly. It owns the rules that keep a decision
 * seen and deliberate: keys are dropped while a case loads, deciding keys for a moment after it appears too
 * (moving to another case decides nothing and acts at once), and an attach with a risk waits for a confirming `y`.
 */
export class ReviewWalk {
  private state: ReviewWalkState;
  private readonly listeners = new Set<() => void>();
  private readonly closedWaiters: (() => void)[] = [];
  private readonly statuses = new Map<string, EntryStatus>();
  /** What each file attached or made a new patient's in this sitting stored (an ingest's summary adds it up). */
  private readonly stored = new Map<string, { pages: number; chunks: number }>();
  private readonly shown = new Set<string>();
  /** The files of the sitting somebody else settled, as last read (see refreshSettled). */
  private readonly elsewhere = new Map<string, SettledElsewhere>();
  /** The re-check under way, if any: one at a time, and the sitting closes after it. */
  private refreshing: Promise<void> | null = null;
  /** Counts the cases shown and the refusals read: a re-check that began before either is out of date. */
  private epoch = 0;
  private readonly guardMs: number;
  private readonly now: () => number;
  private readonly lockPatienceMs: number;
  /** The decision or undo being written, which Ctrl-C waits for. */
  private writing: Promise<void> | null = null;
  /**
   * When each candidate of the case shown first had its identity row on screen; null while no screen
   * watches the walk (a test, a script), when there is nobody to have seen anything.
   */
  private shownSince: Map<number, number> | null = null;
  /**
   * When each part of the confirmation open now first had all its rows on screen (see markConfirmShown); cleared
   * whenever a confirmation opens.
   */
  private readonly confirmSince = new Map<ConfirmPart, number>();
  /** Attach keys are dropped until then: one was refused for a candidate not on screen yet (see notShown). */
  private attachHeldUntil = Number.NEGATIVE_INFINITY;
  /** Keys are dropped until then too: one was just dropped, or the screen has just drawn (see holdOff). */
  private heldUntil = Number.NEGATIVE_INFINITY;
  /** Ended by Ctrl-C or a signal rather than by `q`: the command exits 130, as an interrupted ingest does. */
  private interruptedBy = false;

  constructor(
    private readonly service: ReviewService,
    private readonly pending: readonly PendingEntry[],
    options: ReviewWalkOptions = {},
  ) {
    this.guardMs = options.guardMs ?? DEFAULT_KEY_GUARD_MS;
    this.now = options.now ?? Date.now;
    this.lockPatienceMs = options.lockPatienceMs ?? DEFAULT_LOCK_PATIENCE_MS;
    this.state = {
      phase: 'loading',
      position: 0,
      total: pending.length,
      entries: pending.map((entry) => ({ entry, status: 'pending' })),
      current: null,
      confirm: null,
      notice: null,
      tally: this.tally(),
      canUndo: false,
      closing: false,
      waitingForDatabase: null,
      acceptKeysFrom: Number.POSITIVE_INFINITY,
    };
  }

  getState = (): ReviewWalkState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Whether a key arriving now may act (not while loading or working, nor right after something appeared). */
  acceptsKeys(): boolean {
    return this.acceptsMoves() && this.now() >= Math.max(this.state.acceptKeysFrom, this.heldUntil);
  }

  /**
   * Whether a key that decides nothing (scrolling, an overlay, the previous or next case) may act now: at once
   * after a case appears, as moving about is how it is read; only not while a case loads or a decision is
   * written.
   */
  acceptsMoves(): boolean {
    const { phase, closing } = this.state;
    return !closing && phase !== 'loading' && phase !== 'working' && phase !== 'closed';
  }

  /**
   * The screen has drawn what the walk shows now (a new case, a confirmation, a refusal): its moment starts
   * there. A busy process (a long case laid out, a database write) draws it well after the walk changed, and
   * keys typed meanwhile, read only then, came past a moment counted from the change.
   */
  drawn(): void {
    this.holdOff();
  }

  /**
   * A screen shows the walk: from now on a key attaches a file only to a candidate whose identity row that
   * screen has shown (see markShown). On a small terminal the candidates may be below the evidence: the
   * key must not attach to a patient the reviewer never saw.
   */
  watchOnScreen(): void {
    this.shownSince ??= new Map();
  }

  /** The screen now shows the identity rows of these candidates of the case `fileId`. */
  markShown(fileId: string, ranks: readonly number[]): void {
    if (!this.shownSince || this.state.current?.fileId !== fileId) return;
    const now = this.now();
    for (const rank of ranks) if (!this.shownSince.has(rank)) this.shownSince.set(rank, now);
  }

  /**
   * Whether an attach to this candidate of the case shown may be carried out: its identity row has been on
   * screen for a moment (a row that scrolled into view with the key after it was not read either).
   */
  candidateShown(rank: number): boolean {
    if (!this.shownSince) return true;
    const since = this.shownSince.get(rank);
    return since !== undefined && this.now() >= since + this.guardMs;
  }

  /**
   * The screen now shows, whole, these parts of the confirmation `confirm` (the walk's own object: a report for a
   * confirmation since closed or opened again is ignored).
   */
  markConfirmShown(confirm: NonNullable<ReviewWalkState['confirm']>, parts: readonly ConfirmPart[]): void {
    if (!this.shownSince || this.state.confirm !== confirm || this.state.phase !== 'confirming') return;
    const now = this.now();
    for (const part of parts) if (!this.confirmSince.has(part)) this.confirmSince.set(part, now);
  }

  /**
   * The parts of the confirmation open now that the screen has not shown yet, in the order they are drawn (the
   * candidate's row, then the reasons). Empty while no screen watches the walk.
   */
  confirmPartsUnseen(): ConfirmPart[] {
    const confirm = this.state.confirm;
    if (!this.shownSince || !confirm) return [];
    return confirmParts(confirm).filter((part) => !this.confirmSince.has(part));
  }

  /**
   * Whether the `y` of the confirmation open now may act: the row naming the candidate and every reason have been
   * on screen, each for a moment. On a small terminal the reasons may be below the fold: a `y` must not attach
   * (or create) on the strength of a title the reviewer read without the contradictions under it.
   */
  confirmationRead(): boolean {
    const confirm = this.state.confirm;
    if (!this.shownSince || !confirm) return true;
    const now = this.now();
    return confirmParts(confirm).every((part) => {
      const since = this.confirmSince.get(part);
      return since !== undefined && now >= since + this.guardMs;
    });
  }

  /**
   * Reads again which files of the sitting somebody else settled meanwhile (another terminal, the HTTP API):
   * the list shows them so, and the case on screen says so in its header. Only that changes: the case's
   * candidates and evidence stay as they were drawn, so that a key means what the reviewer read (a decision on
   * a settled file is refused anyway). Redraws only when something changed; a failed read changes nothing. Not
   * while a case loads or a decision is written (that decision re-checks the file itself).
   */
  refreshSettled(): Promise<void> {
    if (this.refreshing || !this.acceptsMoves()) return this.refreshing ?? Promise.resolve();
    const fileIds = this.pending
      .map((entry) => entry.fileId)
      .filter((fileId) => {
        const here = this.statuses.get(fileId);
        return here === undefined || here === 'skipped';
      });
    const refreshing = this.readSettled(fileIds).finally(() => {
      this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async readSettled(fileIds: string[]): Promise<void> {
    const epoch = this.epoch;
    let settled: Map<string, SettledElsewhere>;
    try {
      settled = fileIds.length > 0 ? await this.service.settledAmong(fileIds) : new Map();
    } catch {
      return; // the database busy or gone: the next re-check, or the next decision, tells
    }
    // Meanwhile the sitting may have moved on, decided, or closed: only what still holds is applied.
    if (!this.acceptsMoves() || epoch !== this.epoch) return;
    let changed = false;
    for (const fileId of fileIds) {
      const here = this.statuses.get(fileId);
      if (here !== undefined && here !== 'skipped') continue;
      if (this.noteSettled(fileId, settled.get(fileId) ?? null)) changed = true;
    }
    const current = this.state.current;
    if (current && fileIds.includes(current.fileId)) {
      const now = this.elsewhere.get(current.fileId) ?? null;
      const shown = current.settledElsewhere ?? null;
      if (now?.status !== shown?.status || now?.by !== shown?.by) {
        this.state = { ...this.state, current: settledOnScreen(current, now) };
        changed = true;
        if (now && this.state.phase === 'confirming') {
          // Its `y` would only be refused: the confirmation closes, saying why, and the keys wait a moment, as for
          // anything new on screen (a `y` already on its way must not meet the case instead).
          this.update({
            phase: 'reviewing',
            confirm: null,
            notice: { tone: 'error', notice: { code: 'settled_meanwhile', status: now.status, by: now.by } },
            acceptKeysFrom: this.now() + this.guardMs,
          });
          return;
        }
      }
    }
    if (changed) this.update({});
  }

  /** Resolves once the walk is closed (quit), with the decisions kept. */
  closed(): Promise<void> {
    if (this.state.phase === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }

  /** Resolves once no decision or undo is being written (at once when none is). */
  async settled(): Promise<void> {
    await this.writing;
  }

  /** Whether the sitting ended by interrupt() (Ctrl-C, a signal, the terminal gone), not by `q`. */
  interrupted(): boolean {
    return this.interruptedBy;
  }

  async start(): Promise<void> {
    await this.show(0, null);
  }

  /**
   * Ctrl-C: ends the sitting whatever is on screen (decisions so far are kept). A decision being written is
   * let finish first: cut short, it would leave its vectors without their document, or the document
   * without the session's counters; and the database closes once the sitting is over.
   */
  async interrupt(): Promise<void> {
    if (this.state.phase === 'closed' || this.state.closing) return;
    this.interruptedBy = true;
    const writing = this.writing;
    if (writing) {
      this.update({ closing: true });
      await writing;
    }
    await this.quit();
  }

  async perform(action: ReviewAction): Promise<void> {
    if (isMove(action) ? !this.acceptsMoves() : !this.acceptsKeys()) return this.holdOff();
    const { phase, current, position } = this.state;
    if (phase === 'confirming') {
      if (action.type === 'confirm' && this.state.confirm) {
        const { action: confirmed, candidate } = this.state.confirm;
        if (confirmed === 'attach' && !this.candidateShown(candidate.rank))
          return this.notShown(candidate.rank);
        // Its reasons not all read yet: the screen scrolls on to them, and a `y` once they have been read acts. A `y`
        // held down stays dropped meanwhile (see holdOff): its repeats must not confirm what they scrolled past.
        if (!this.confirmationRead()) {
          this.holdOff();
          return this.update({
            notice: { tone: 'info', notice: { code: 'confirm_unread', action: confirmed } },
          });
        }
        return this.decide(
          confirmed === 'new_patient'
            ? { kind: 'new_patient' }
            : { kind: 'attach', candidate: candidate.rank },
        );
      }
      return this.update({
        phase: 'reviewing',
        confirm: null,
        notice: {
          tone: 'info',
          notice: { code: 'confirm_cancelled', action: this.state.confirm?.action ?? 'attach' },
        },
      });
    }
    switch (action.type) {
      case 'quit':
        return this.quit();
      case 'undo':
        return this.undo();
      case 'previous':
        return position > 0 ? this.show(position - 1, null) : undefined;
      case 'next':
        return position < this.pending.length ? this.show(position + 1, null) : undefined;
      case 'goto':
        return action.position >= 0 && action.position < this.pending.length
          ? this.show(action.position, null)
          : undefined;
      case 'confirm':
      case 'cancel':
        return;
    }
    if (phase === 'done') return;
    if (!current) {
      // The case could not be loaded: only moving on makes sense.
      if (action.type === 'skip') await this.show(position + 1, null);
      return;
    }
    if (action.type === 'attach') {
      // A digit repeating after a refusal for a candidate not on screen yet: dropped, and it waits on.
      if (this.now() < this.attachHeldUntil) {
        this.attachHeldUntil = this.now() + this.guardMs;
        return;
      }
      const candidate = current.evidence[action.candidate - 1];
      if (candidate && !this.candidateShown(candidate.rank)) return this.notShown(candidate.rank);
      if (candidate && candidate.risks.length > 0) {
        // A second, deliberate key: the confirmation shows both identities and why it is risky.
        this.confirmSince.clear();
        return this.update({
          phase: 'confirming',
          confirm: { action: 'attach', candidate, risks: candidate.risks },
          notice: null,
          acceptKeysFrom: this.now() + this.guardMs,
        });
      }
      return this.decide({ kind: 'attach', candidate: action.candidate });
    }
    // The expediente's owner makes a new patient impossible: the refusal says so, without a confirmation first.
    if (action.type === 'new_patient') {
      const duplicated = duplicatedByNewPatient(current);
      if (duplicated) {
        this.confirmSince.clear();
        return this.update({
          phase: 'confirming',
          confirm: { action: 'new_patient', ...duplicated },
          notice: null,
          acceptKeysFrom: this.now() + this.guardMs,
        });
      }
    }
    return this.decide(
      action.type === 'new_patient'
        ? { kind: 'new_patient' }
        : action.type === 'reject'
          ? { kind: 'reject' }
          : { kind: 'skip' },
    );
  }

  /**
   * A key dropped because the case (or confirmation) on screen had just appeared starts its moment again: a
   * key held down repeats every few tens of milliseconds, and with a fixed moment it decided one case after
   * another (`s` held 3 s skipped 7 cases, each shown 0.4 s). A key acts once the keys have stopped for that
   * long, which a deliberate press after reading does.
   */
  private holdOff(): void {
    const { phase, closing } = this.state;
    if (closing || (phase !== 'reviewing' && phase !== 'confirming' && phase !== 'done')) return;
    // Not a state change: nothing is redrawn for it (a held key must not make the screen busier still).
    this.heldUntil = Math.max(this.heldUntil, this.now() + this.guardMs);
  }

  /**
   * Refuses an attach to a candidate not shown yet: the screen brings them into view, the same key then attaches —
   * pressed again once the digits have stopped for a moment: a digit held down must not attach, 0.4 s after its
   * first repeat scrolled the candidate in, to a row nobody has read.
   */
  private notShown(rank: number): void {
    // Only the attach keys wait (see attachHeldUntil): `q`, a move or another decision right after it acts as ever.
    this.attachHeldUntil = this.now() + this.guardMs;
    this.update({ notice: { tone: 'info', notice: { code: 'candidate_not_shown', candidate: rank } } });
  }

  private decide(choice: ReviewChoice): Promise<void> {
    return this.whileWriting(() => this.carryOut(choice));
  }

  /** Runs a write, known to Ctrl-C until it is over (whatever its end). */
  private async whileWriting(write: () => Promise<void>): Promise<void> {
    const writing = write();
    this.writing = writing.catch(() => undefined);
    try {
      await writing;
    } finally {
      this.writing = null;
    }
  }

  private async carryOut(choice: ReviewChoice): Promise<void> {
    const current = this.state.current!;
    this.update({ phase: 'working', notice: null, confirm: null });
    try {
      const result = await this.patientWithLock(() => this.service.decide(current, choice));
      if (!result.ok) {
        if (result.notice.code === 'settled_meanwhile') {
          this.epoch++;
          const settled = { status: result.notice.status, by: result.notice.by ?? null };
          this.noteSettled(result.fileId, settled);
          // The header says so too, as it does for a case that arrives settled.
          if (this.state.current?.fileId === result.fileId)
            this.state = { ...this.state, current: settledOnScreen(this.state.current, settled) };
        }
        // An expediente refused for a new patient whose owner the case did not know: registered since it loaded.
        const ownerSince = result.notice.code === 'expediente_taken' && !current.expedienteOwner;
        if (result.notice.code === 'patient_changed' || result.notice.code === 'patient_gone' || ownerSince) {
          // The candidates on screen are no longer the registry's: the case is loaded again (the owner among its
          // candidates), and its keys wait as for any case just shown, so that the next decision is taken on what
          // the registry says now.
          await this.show(this.state.position, { tone: 'error', notice: result.notice });
          return;
        }
        this.update({ phase: 'reviewing', notice: { tone: 'error', notice: result.notice } });
        return;
      }
      this.statuses.set(
        result.fileId,
        result.choice === 'attach'
          ? 'attached'
          : result.choice === 'new_patient'
            ? 'created'
            : result.choice === 'reject'
              ? 'rejected'
              : 'skipped',
      );
      if (result.notice.code === 'attached' || result.notice.code === 'created')
        this.stored.set(result.fileId, { pages: current.pages ?? 0, chunks: result.notice.chunks });
      await this.show(this.state.position + 1, { tone: 'success', notice: result.notice });
    } catch (error) {
      this.update({ phase: 'reviewing', notice: { tone: 'error', notice: this.failure(error, 'decision') } });
    }
  }

  private undo(): Promise<void> {
    return this.whileWriting(() => this.undoLast());
  }

  private async undoLast(): Promise<void> {
    const phase = this.state.phase;
    this.update({ phase: 'working', notice: null });
    try {
      const result = await this.patientWithLock(() => this.service.undo());
      if (!result.ok) {
        this.update({ phase, notice: { tone: 'error', notice: result.notice } });
        return;
      }
      this.statuses.delete(result.fileId);
      this.stored.delete(result.fileId);
      const index = this.pending.findIndex((entry) => entry.fileId === result.fileId);
      await this.show(index >= 0 ? index : this.state.position, { tone: 'info', notice: result.notice });
    } catch (error) {
      this.update({ phase, notice: { tone: 'error', notice: this.failure(error, 'undo') } });
    }
  }

  /**
   * Tries a decision or undo again while another program keeps the database locked, up to the patience,
   * saying on screen what it waits for; Ctrl-C stops the waiting (the write then is not recorded). A refused
   * try changes nothing (its transaction is rolled back, its claim given back), so trying again is safe.
   */
  private async patientWithLock<T>(attempt: () => Promise<T>): Promise<T> {
    const started = this.now();
    try {
      for (;;) {
        try {
          return await attempt();
        } catch (error) {
          const waited = this.now() - started;
          const locked = this.service.whyNotRecorded(error)?.kind === 'locked';
          if (!locked || this.state.closing || waited + LOCK_RETRY_PAUSE_MS >= this.lockPatienceMs)
            throw error;
          this.update({
            waitingForDatabase: {
              seconds: Math.round(waited / 1000),
              limitSeconds: Math.round(this.lockPatienceMs / 1000),
            },
          });
          await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_PAUSE_MS));
          if (this.state.closing) throw error;
        }
      }
    } finally {
      if (this.state.waitingForDatabase) this.update({ waitingForDatabase: null });
    }
  }

  /**
   * What a decision or undo that failed says: the database or a backend would not take it (what to do, and
   * that the same key does it then), or, for anything else, the error's own words.
   */
  private failure(error: unknown, what: 'decision' | 'undo'): ReviewNotice {
    const cause = this.service.whyNotRecorded(error);
    return cause ? { code: 'not_recorded', what, cause } : { code: 'failed', error: describeError(error) };
  }

  private async quit(): Promise<void> {
    this.update({ phase: 'working', confirm: null });
    try {
      await this.refreshing;
      await this.service.close();
    } finally {
      this.update({ phase: 'closed' });
      for (const resolve of this.closedWaiters.splice(0)) resolve();
    }
  }

  private async show(position: number, notice: ReviewWalkState['notice']): Promise<void> {
    if (position >= this.pending.length) {
      this.update({
        phase: 'done',
        position: this.pending.length,
        current: null,
        confirm: null,
        notice,
        acceptKeysFrom: this.now() + this.guardMs,
      });
      return;
    }
    // The previous case goes at once: keys must never act on a case other than the one shown.
    this.shownSince?.clear();
    this.epoch++;
    this.update({ phase: 'loading', position, current: null, confirm: null, notice });
    const fileId = this.pending[position]!.fileId;
    try {
      const current = await this.service.loadCase(fileId);
      this.shown.add(fileId);
      this.noteSettled(fileId, current.settledElsewhere ?? null);
      this.update({ phase: 'reviewing', current, acceptKeysFrom: this.now() + this.guardMs });
    } catch (error) {
      this.update({
        phase: 'reviewing',
        current: null,
        notice: { tone: 'error', notice: { code: 'failed', error: describeError(error) } },
        acceptKeysFrom: this.now() + this.guardMs,
      });
    }
  }

  private tally(): ReviewTally {
    const count = (status: EntryStatus) =>
      this.pending.filter((entry) => this.statusOf(entry.fileId) === status).length;
    const attached = count('attached');
    const created = count('created');
    const rejected = count('rejected');
    return {
      attached,
      created,
      rejected,
      skipped: count('skipped'),
      walked: this.shown.size,
      remaining: this.pending.length - attached - created - rejected - count('settled_elsewhere'),
      total: this.pending.length,
      pages: [...this.stored.values()].reduce((sum, file) => sum + file.pages, 0),
      chunks: [...this.stored.values()].reduce((sum, file) => sum + file.chunks, 0),
    };
  }

  /** A decision of this sitting first; then a settlement elsewhere (a file skipped here may be settled since). */
  private statusOf(fileId: string): EntryStatus {
    const here = this.statuses.get(fileId);
    if (here && here !== 'skipped') return here;
    return this.elsewhere.has(fileId) ? 'settled_elsewhere' : (here ?? 'pending');
  }

  /** Records whether somebody else settled a file (null: it waits); says whether that changed what was known. */
  private noteSettled(fileId: string, settled: SettledElsewhere | null): boolean {
    const known = this.elsewhere.get(fileId);
    if (settled === null) return this.elsewhere.delete(fileId);
    if (known?.status === settled.status && known.by === settled.by) return false;
    this.elsewhere.set(fileId, settled);
    return true;
  }

  private update(patch: Partial<ReviewWalkState>): void {
    this.state = {
      ...this.state,
      ...patch,
      entries: this.pending.map((entry) => {
        const status = this.statusOf(entry.fileId);
        const settled = this.elsewhere.get(entry.fileId);
        return status === 'settled_elsewhere' && settled ? { entry, status, settled } : { entry, status };
      }),
      tally: this.tally(),
      canUndo: this.service.undoDepth > 0,
    };
    for (const listener of this.listeners) listener();
  }
}

/** What of a confirmation must have been read before its `y` acts, in the order the screen draws it. */
function confirmParts(confirm: NonNullable<ReviewWalkState['confirm']>): ConfirmPart[] {
  return ['candidate', ...confirm.risks];
}

/** Browsing: shows another case, decides nothing (the keys of the case it shows are guarded again). */
function isMove(action: ReviewAction): boolean {
  return action.type === 'previous' || action.type === 'next' || action.type === 'goto';
}

/**
 * The case on screen, marked settled (or waiting again) elsewhere. A file settled is no longer being decided:
 * the "X is deciding this file" line read when it was loaded goes, or both showed at once.
 */
function settledOnScreen(current: ReviewCase, settled: SettledElsewhere | null): ReviewCase {
  return settled
    ? { ...current, settledElsewhere: settled, decidingElsewhere: null }
    : { ...current, settledElsewhere: null };
}
