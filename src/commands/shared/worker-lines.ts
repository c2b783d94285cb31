import type { WorkerEvent } from '../../queue/worker-events.js';
import type { Messages } from '../../ui/i18n/messages.js';
import { fileLine } from '../../ui/progress/plain-progress-listener.js';

/**
 * The operator's line for a worker's event, in the messages' language (an error's text too, where the
 * screens know its words), or null for the events only the log keeps (every file's outcome). A file
 * finished before that went back to review (a copy naming another patient took it back) is said at once,
 * as `ingest`'s progress says it; a change of detail only (a copy's, following it) is the log's alone.
 */
export function workerEventLine(event: WorkerEvent, messages: Messages): string | null {
  const say = messages.worker;
  const short = (id: string) => id.slice(0, 8);
  switch (event.type) {
    case 'worker_started':
      return say.started(short(event.workerId), event.concurrency);
    case 'file_outcome_changed':
      if (event.result.outcome === event.previous.outcome) return null;
      return say.inSession(short(event.sessionId), fileLine('↺ ', event.result, messages));
    case 'service_down':
      return say.serviceDown(messages.detail(event.error), event.pauseSeconds);
    case 'job_postponed':
      return say.postponed(short(event.sessionId), messages.detail(event.reason), event.delaySeconds);
    case 'job_retrying':
      return say.retrying(short(event.sessionId), event.attempt, messages.detail(event.error));
    case 'file_given_up':
      return say.givenUp(short(event.sessionId), event.attempts, messages.detail(event.error));
    case 'file_still_changing':
      return say.stillChanging(short(event.sessionId), event.duration, messages.detail(event.reason));
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
