import { describeError } from '../core/text/describe-error.js';
import type { ReviewService } from '../review/review-service.js';
import type { ReviewCase, ReviewChoice } from '../review/types.js';

export type { ReviewCase };

/** What a key asks for; the key bindings map keys to these. */
export type ReviewAction =
  | { type: 'attach'; candidate: number }
  | { type: 'new_patient' }
  | { type: 'reject' }
  | { type: 'skip' }
  | { type: 'undo' }
  | { type: 'toggle_help' }
  | { type: 'quit' };

export interface ReviewTally {
  attached: number;
  created: number;
  rejected: number;
  skipped: number;
}

export interface ReviewWalkState {
  /** loading: fetching a case; working: a decision is being carried out; done: past the last file. */
  phase: 'loading' | 'reviewing' | 'working' | 'done' | 'closed';
  position: number;
  total: number;
  current: ReviewCase | null;
  message: { tone: 'info' | 'success' | 'error'; text: string } | null;
  showHelp: boolean;
  tally: ReviewTally;
  canUndo: boolean;
}

/**
 * Walks a list of review-required files one at a time over a ReviewService. Plain state and
 * methods, no React: the Ink screen subscribes and sends actions, tests drive it directly.
 */
export class ReviewWalk {
  private state: ReviewWalkState;
  private readonly listeners = new Set<() => void>();
  private readonly closedWaiters: (() => void)[] = [];

  constructor(
    private readonly service: ReviewService,
    private readonly fileIds: readonly string[],
  ) {
    this.state = {
      phase: 'loading',
      position: 0,
      total: fileIds.length,
      current: null,
      message: null,
      showHelp: false,
      tally: { attached: 0, created: 0, rejected: 0, skipped: 0 },
      canUndo: false,
    };
  }

  getState = (): ReviewWalkState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Resolves once the walk is closed (quit), with the decisions kept. */
  closed(): Promise<void> {
    if (this.state.phase === 'closed') return Promise.resolve();
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }

  async start(): Promise<void> {
    await this.show(0, null);
  }

  async perform(action: ReviewAction): Promise<void> {
    const { phase, current } = this.state;
    if (phase === 'loading' || phase === 'working' || phase === 'closed') return;
    switch (action.type) {
      case 'toggle_help':
        return this.update({ showHelp: !this.state.showHelp });
      case 'quit':
        return this.quit();
      case 'undo':
        return this.undo();
    }
    if (phase === 'done') return;
    if (!current) {
      // The case could not be loaded: only moving on makes sense.
      if (action.type === 'skip') await this.show(this.state.position + 1, null);
      return;
    }
    const choice: ReviewChoice =
      action.type === 'attach'
        ? { kind: 'attach', candidate: action.candidate }
        : action.type === 'new_patient'
          ? { kind: 'new_patient' }
          : action.type === 'reject'
            ? { kind: 'reject' }
            : { kind: 'skip' };
    this.update({ phase: 'working', message: null, showHelp: false });
    try {
      const result = await this.service.decide(current, choice);
      if (!result.ok) {
        this.update({ phase: 'reviewing', message: { tone: 'error', text: result.message } });
        return;
      }
      const tally = { ...this.state.tally };
      if (result.choice === 'attach') tally.attached++;
      else if (result.choice === 'new_patient') tally.created++;
      else if (result.choice === 'reject') tally.rejected++;
      else tally.skipped++;
      this.update({ tally });
      await this.show(this.state.position + 1, { tone: 'success', text: result.message });
    } catch (error) {
      this.update({ phase: 'reviewing', message: { tone: 'error', text: `failed: ${describeError(error)}` } });
    }
  }

  private async undo(): Promise<void> {
    this.update({ phase: 'working', message: null });
    try {
      const result = await this.service.undo();
      if (!result.ok) {
        this.update({ phase: this.phaseAfterWork(), message: { tone: 'error', text: result.message } });
        return;
      }
      const index = this.fileIds.indexOf(result.fileId);
      const tally = { ...this.state.tally };
      if (result.choice === 'attach') tally.attached--;
      else if (result.choice === 'new_patient') tally.created--;
      else tally.rejected--;
      this.update({ tally });
      await this.show(index >= 0 ? index : this.state.position, { tone: 'info', text: result.message });
    } catch (error) {
      this.update({
        phase: this.phaseAfterWork(),
        message: { tone: 'error', text: `undo failed: ${describeError(error)}` },
      });
    }
  }

  private async quit(): Promise<void> {
    this.update({ phase: 'working' });
    try {
      await this.service.close();
    } finally {
      this.update({ phase: 'closed' });
      for (const resolve of this.closedWaiters.splice(0)) resolve();
    }
  }

  private async show(position: number, message: ReviewWalkState['message']): Promise<void> {
    if (position >= this.fileIds.length) {
      this.update({ phase: 'done', position: this.fileIds.length, current: null, message });
      return;
    }
    // The previous case goes at once: keys must never act on a case other than the one shown.
    this.update({ phase: 'loading', position, current: null, message });
    try {
      const current = await this.service.loadCase(this.fileIds[position]!);
      this.update({ phase: 'reviewing', current });
    } catch (error) {
      this.update({ phase: 'reviewing', current: null, message: { tone: 'error', text: describeError(error) } });
    }
  }

  private phaseAfterWork(): ReviewWalkState['phase'] {
    return this.state.position >= this.fileIds.length ? 'done' : 'reviewing';
  }

  private update(patch: Partial<ReviewWalkState>): void {
    this.state = { ...this.state, ...patch, canUndo: this.service.undoDepth > 0 };
    for (const listener of this.listeners) listener();
  }
}

