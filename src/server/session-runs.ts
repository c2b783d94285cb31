import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import {
  otherRunHolding,
  SessionGoneError,
  type ProcessSessionResult,
  type SessionProcessing,
} from '../app/process-session.js';
import { afterRegistrations } from '../app/upload-sessions.js';
import type { PipelineEvent, PipelineListener } from '../core/pipeline/events.js';

/**
 * The sessions this server is processing, and their progress events. A session is processed by one run at
 * a time: a second process call (or a resume at start-up) joins the run under way. Events go to whoever
 * follows the session (the events stream); nothing is kept once the run ends but the database's states.
 */
export class SessionRuns {
  private readonly running = new Map<string, Promise<ProcessSessionResult>>();
  /**
   * Runs that have closed their session (its final status is written) and are only letting go of the lock and
   * the backends: a process call arriving now comes after a client read that status (`failed: process it
   * again…`), so it is a new run's, not this one's outcome to share.
   */
  private readonly closed = new Set<Promise<ProcessSessionResult>>();
  /** Per run: settles once the run holds the session's lock (or has ended without it). */
  private readonly locked = new Map<string, Promise<void>>();
  private readonly hubs = new Map<string, EventEmitter>();

  constructor(
    private readonly processing: SessionProcessing,
    /** Aborted when the server shuts down: runs stop taking files, their files in flight finish. */
    private readonly shutdown: AbortSignal,
    private readonly log: FastifyBaseLogger,
    /** The server's log of a session's processing, beside whoever follows its events. */
    private readonly sessionLog?: (sessionId: string) => PipelineListener,
  ) {}

  isRunning(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  /** Starts processing the session, or joins the run under way. */
  start(sessionId: string): Promise<ProcessSessionResult> {
    const current = this.running.get(sessionId);
    if (current && this.closed.has(current)) {
      // Its end first (the session's lock is still its own), then a run of this call's.
      const ended = () => this.start(sessionId);
      return current.then(ended, ended);
    }
    if (current) return current;
    let onLocked = () => {};
    const locked = new Promise<void>((resolve) => (onLocked = resolve));
    const run = (async () => {
      // Uploads being registered finish first (they refuse once this run is known), so none is left out.
      await afterRegistrations(sessionId);
      const logEvent = this.sessionLog?.(sessionId);
      return this.processing.process(sessionId, {
        signal: this.shutdown,
        onLocked,
        listener: (event) => {
          if (event.type === 'session_finished') this.closed.add(run);
          logEvent?.(event);
          this.hubs.get(sessionId)?.emit('event', event);
        },
      });
    })();
    this.running.set(sessionId, run);
    const lockedOrEnded = Promise.race([locked, run.then(() => undefined)]);
    // Nobody may ask (a waiting process call reads the run itself): its rejection is no unhandled one.
    lockedOrEnded.catch(() => undefined);
    this.locked.set(sessionId, lockedOrEnded);
    const forget = () => {
      this.closed.delete(run);
      this.running.delete(sessionId);
      this.locked.delete(sessionId);
      this.hubs.get(sessionId)?.emit('run_ended');
    };
    run.then(forget, (error: unknown) => {
      // Another process running the session is no failure of this one: no stack for the operator to chase.
      const holder = otherRunHolding(error);
      if (holder) {
        const { pid, host, startedAt } = holder;
        this.log.info(
          { session_id: sessionId, holder: { pid, host, started_at: startedAt } },
          'the session is being processed by another process',
        );
      } else if (error instanceof SessionGoneError) {
        // Discarded while the process call waited for the discard to finish: the client is told so, nothing failed.
        this.log.info({ session_id: sessionId }, 'the session was discarded before its run could start');
      } else this.log.error({ err: error, session_id: sessionId }, 'processing the session stopped');
      forget();
    });
    return run;
  }

  /**
   * Resolves once the session's run under way holds its lock (or has finished); rejects with the run's error
   * when it ended before taking it, such as another process holding the session. A run not known here: at once.
   */
  lockTaken(sessionId: string): Promise<void> {
    return this.locked.get(sessionId) ?? Promise.resolve();
  }

  /**
   * The session left the registry (discarded by an admin, or expired): whoever follows it is told, with the
   * 410 answer its calls now get, instead of waiting on a stream that would never say anything again.
   */
  announceGone(sessionId: string, gone: { message: string } & Record<string, unknown>): void {
    this.hubs.get(sessionId)?.emit('gone', gone);
  }

  /** Follows a session's events until `unsubscribe` is called. */
  subscribe(
    sessionId: string,
    listener: {
      event(event: PipelineEvent): void;
      runEnded(): void;
      gone(gone: Record<string, unknown>): void;
    },
  ): () => void {
    let hub = this.hubs.get(sessionId);
    if (!hub) this.hubs.set(sessionId, (hub = new EventEmitter()));
    hub.on('event', listener.event);
    hub.on('run_ended', listener.runEnded);
    hub.on('gone', listener.gone);
    return () => {
      hub.off('event', listener.event);
      hub.off('run_ended', listener.runEnded);
      hub.off('gone', listener.gone);
      if (hub.listenerCount('event') === 0 && this.hubs.get(sessionId) === hub) this.hubs.delete(sessionId);
    };
  }

  /** Waits for every run to end (after a shutdown has been signalled, they end once their files in flight do). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
