import cliProgress from 'cli-progress';
import { leftForNextRun, type PipelineListener, type SessionTotals } from '../../core/pipeline/events.js';
import { outcomeKind } from '../../core/pipeline/file-outcome.js';
import { failureLine } from '../failure-line.js';
import { formatCount, wrapWords } from '../format.js';
import { messagesFor, type Messages } from '../i18n/messages.js';

/**
 * A one-line cli-progress bar on stderr (when stderr is a terminal but Ink is not wanted: stdout piped,
 * --json or --non-interactive). Failures are logged above the bar as they happen.
 */
export function createCliProgressListener(
  stderr: NodeJS.WriteStream,
  messages: Messages = messagesFor('en'),
): {
  listener: PipelineListener;
  log(message: string): void;
  stop(): void;
} {
  const bars = new cliProgress.MultiBar(
    {
      stream: stderr,
      format: messages.progress.barFormat,
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      fps: 10,
      etaBuffer: 50,
      // The bar's counts as its lines write them (1,532/2,048); the rest (percentage, eta) as cli-progress does.
      formatValue: (value, _options, type) =>
        type === 'value' || type === 'total' ? formatCount(value) : String(value),
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    // cli-progress prints logged lines at its next redraw, and its stop() does not redraw them: the failures
    // of a run's last tenth of a second were lost. One last redraw writes them above the final bar.
    bars.update();
    bars.stop();
  };
  const width = Math.max(40, (stderr.columns || 80) - 1);
  const showTotals = (totals: SessionTotals) => {
    bar?.setTotal(Math.max(1, totals.totalFiles - leftForNextRun(totals)));
    bar?.update(totals.processedFiles, {
      failed: formatCount(totals.failedFiles),
      review: formatCount(totals.reviewRequired + (totals.alreadyWaiting ?? 0)),
      duplicates: formatCount(totals.duplicates),
    });
  };
  const listener: PipelineListener = (event) => {
    if (stopped) return;
    if (event.type === 'session_started') {
      bar = bars.create(event.totalFiles, 0, { failed: 0, review: 0, duplicates: 0 });
    } else if (event.type === 'file_finished') {
      const { result, totals } = event;
      if (outcomeKind(result.outcome) === 'failed') {
        bars.log(`${failureLine('✗ ', result, messages, width)}\n`);
      }
      showTotals(totals);
    } else if (event.type === 'file_outcome_changed') {
      // A file reported before (ingested) went back to review: said above the bar, and the counts follow.
      if (event.result.outcome !== event.previous.outcome) {
        bars.log(`${failureLine('↺ ', event.result, messages, width)}\n`);
      }
      showTotals(event.totals);
    } else if (event.type === 'session_finished') {
      stop();
    }
  };
  const log = (message: string) => {
    if (stopped) stderr.write(`${message}\n`);
    // Broken between words: cli-progress moves up one row per line it logged, so the bar's next redraw wrote
    // over the rows a longer line wrapped onto.
    else bars.log(`${wrapWords(message, width).join('\n')}\n`);
  };
  return { listener, log, stop };
}
