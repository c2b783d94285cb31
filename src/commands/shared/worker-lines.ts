import type { WorkerEvent } from '../../queue/worker-events.js';
import { operatorHint } from '../../core/text/operator-hint.js';
import type { Messages } from '../../ui/i18n/messages.js';
import { fileLine } from '../../ui/progress/plain-progress-listener.js';

/** Puts an operator's text (a backend's error, a hint) in the messages' language, as serve's lines are put. */
export type OperatorTranslation = (text: string) => string;

/**
 * An error's text in the messages' language: a file's message as the screens say it, else a backend's or a
 * library's as serve's lines say it (`translate`; none: as it is).
 */
export function operatorDetail(text: string, messages: Messages, translate?: OperatorTranslation): string {
  const said = messages.detail(text);
  return said === text && translate ? translate(text) : said;
}

/**
 * The operator's line for a worker's event, in the messages' language (an error's text too, where the
 * screens or serve's tables know its words), or null for the events only the log keeps (every file's outcome). A
 * file finished before that went back to review (a copy naming another patient took it back) is said at once,
 * as `ingest`'s progress says it; a change of detail only (a copy's, following it) is the log's alone.
 */
export function workerEventLine(
  event: WorkerEvent,
  messages: Messages,
  translate?: OperatorTranslation,
): string | null {
  const say = messages.worker;
  const short = (id: string) => id.slice(0, 8);
  const detail = (text: string) => operatorDetail(text, messages, translate);
  switch (event.type) {
    case 'worker_started':
      return say.started(short(event.workerId), event.concurrency);
    case 'file_outcome_changed':
      if (event.result.outcome === event.previous.outcome) return null;
      return say.inSession(short(event.sessionId), fileLine('↺ ', event.result, messages));
    case 'service_down': {
      // What to check, never "run the same command again": the worker goes on by itself once the backend is back.
      const hint = operatorHint(event.hint ?? undefined, event.oneShot ? 'oneShotWorker' : 'worker');
      return say.serviceDown(detail(event.error), event.pauseSeconds, translate ? translate(hint) : hint);
    }
    case 'service_back':
      return say.serviceBack(event.downSeconds);
    case 'job_postponed':
      return say.postponed(short(event.sessionId), detail(event.reason), event.delaySeconds);
    case 'job_retrying':
      return say.retrying(short(event.sessionId), event.attempt, detail(event.error));
    case 'file_given_up':
      return say.givenUp(short(event.sessionId), event.attempts, detail(event.error));
    case 'file_still_changing':
      return say.stillChanging(short(event.sessionId), event.duration, detail(event.reason));
    case 'jobs_requeued':
      return say.requeued(short(event.sessionId), event.files);
    case 'session_finished':
      return say.sessionFinished(short(event.sessionId), event.status, {
        processed: event.counts.processedFiles,
        total: event.counts.totalFiles,
        failed: event.counts.failedFiles,
        review: event.counts.reviewRequired,
        alreadyWaiting: event.alreadyWaiting,
      });
    case 'jobs_reclaimed':
      return say.reclaimed(event.jobs, event.workers.join(', '));
    case 'strays_put_back':
      return say.straysPutBack(event.jobs);
    case 'worker_waiting':
      return say.waiting(event.active, clock(event.activeUntil), event.later, clock(event.nextStart));
    case 'worker_stopping':
      return event.reason === 'idle' ? say.idle : null;
    case 'worker_stopped':
      return say.stopped(short(event.workerId), event.files, event.seconds);
    default:
      return null;
  }
}

/** HH:MM:SS of an ISO instant (UTC), as `status` prints a queue's times. */
function clock(iso: string | null): string | null {
  return iso ? iso.slice(11, 19) : null;
}
