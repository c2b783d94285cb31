import { Box, Text } from 'ink';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { failureLine } from '../failure-line.js';
import { formatDuration, formatRate, packParts, progressBar, truncateMiddle } from '../format.js';
import { useMessages } from '../i18n/messages-context.js';
import { plain, wrapSegments } from '../lines.js';
import { useTheme } from '../theme.js';
import { leftForNextRun } from '../../core/pipeline/events.js';
import { throughputOf, type DashboardState } from './dashboard-state.js';

/** What the messages put between two figures of a line (`elapsed 0:03 · eta 0:10 · …`). */
const FIGURE_SEPARATOR = ' · ';

export interface DashboardProps {
  state: DashboardState;
  /** Terminal columns; every line is cut to fit. */
  width: number;
  /**
   * Terminal rows: the frame stays at least one row shorter (a frame as tall as the terminal makes Ink
   * clear the screen and the scrollback), the lists of files giving up rows first.
   */
  rows?: number;
  /** In-flight files listed at most (the rest are counted). */
  maxInFlight?: number;
}

/** Rows the lists may take: errors first (they stay on screen after the run), then files in flight. */
export function dashboardBudget(
  state: DashboardState,
  rows: number,
  maxInFlight: number,
  stoppingRows = 2,
  figureRows = 3,
): { errors: number; inFlight: number } {
  const fixed = 2 + figureRows + (noticeOf(state) ? stoppingRows : 0);
  let left = Math.max(0, rows - 1 - fixed);
  let errors = 0;
  if (state.errors.length > 0 && left >= 3) {
    errors = Math.min(state.errors.length, left - 2);
    left -= errors + 2;
  }
  let inFlight = 0;
  if (state.inFlight.length > 0 && left >= 3) {
    const wanted = Math.min(state.inFlight.length, maxInFlight);
    // One row for "… and N more" when some are left out.
    inFlight = Math.min(wanted, left - 2 - (state.inFlight.length > Math.min(wanted, left - 2) ? 1 : 0));
    inFlight = Math.max(0, inFlight);
  }
  return { errors, inFlight };
}

/** The notice under the figures: the run stopping, or why Ctrl-Z does not suspend it; none once it ended. */
function noticeOf(state: DashboardState): 'stopping' | 'noSuspend' | null {
  if (state.phase === 'stopping') return 'stopping';
  return state.suspendRefused && state.phase !== 'finished' ? 'noSuspend' : null;
}

/** The live ingest dashboard: a pure function of the state the store reduces from pipeline events. */
export function Dashboard({ state, width, rows = 24, maxInFlight = 6 }: DashboardProps) {
  const theme = useTheme();
  const m = useMessages();
  const d = m.dashboard;
  const cols = Math.max(40, width);
  const tp = throughputOf(state);
  const t = state.totals;
  const c = state.counts;
  const percent = tp.target > 0 ? Math.floor((t.processedFiles / tp.target) * 100) : 0;
  const counter = ` ${d.files(t.processedFiles, tp.target)} ${String(percent).padStart(3)}%`;
  const bar = progressBar(t.processedFiles, tp.target, Math.max(10, cols - counter.length - 2));
  const fit = (text: string) => truncateMiddle(text, cols);
  const title =
    state.phase === 'finished'
      ? d.finished(m.sessionStatus(state.status ?? 'finished'), state.finishedSeconds ?? 0)
      : state.phase === 'starting'
        ? d.lookingForFiles
        : d.ingesting(sanitizeForTerminal(state.sourceDir));
  const notice = noticeOf(state);
  const stopping = wrapSegments(plain(notice ? d[notice] : ''), cols).map((line) =>
    line.map((seg) => seg.text).join(''),
  );
  // The figures break between two of them where the terminal is too narrow (Spanish words are longer):
  // cut in the middle, 'restante ….5 archivos/s' reads as another number.
  const failed = d.failed(c.failed);
  const figures = [
    d.throughput(
      formatDuration(tp.elapsedSeconds),
      tp.etaSeconds === null ? '–' : formatDuration(tp.etaSeconds),
      formatRate(tp.filesPerSecond),
      formatRate(tp.pagesPerSecond),
    ),
    d.stages(c),
    `${d.stored(c)}${failed}${leftForNextRun(t) > 0 ? d.nextRun(leftForNextRun(t)) : ''}`,
  ].flatMap((line) => packParts(line.split(FIGURE_SEPARATOR), cols, FIGURE_SEPARATOR));
  const budget = dashboardBudget(state, rows, maxInFlight, stopping.length, figures.length);
  const hidden = state.inFlight.length - budget.inFlight;
  const errors = state.errors.slice(-budget.errors);

  return (
    <Box flexDirection="column" width={cols}>
      <Text bold wrap="truncate" color={theme.color(state.phase === 'finished' ? 'success' : 'accent')}>
        {fit(`${title}${state.processingType ? ` · ${m.processingType(state.processingType)}` : ''}`)}
      </Text>
      <Text wrap="truncate">
        <Text color={theme.color('accent')}>{bar}</Text>
        {counter}
      </Text>
      {figures.map((row, i) => (
        <Text key={`figures-${i}`} wrap="truncate">
          {row.map((part, j) => (
            <Text key={j} color={part === failed && c.failed > 0 ? theme.color('danger') : undefined}>
              {`${j > 0 ? FIGURE_SEPARATOR : ''}${part}`}
            </Text>
          ))}
        </Text>
      ))}
      {notice !== null && (
        <Box flexDirection="column">
          {stopping.map((line, i) => (
            <Text key={i} color={theme.color('warning')} wrap="truncate">
              {line}
            </Text>
          ))}
        </Box>
      )}
      {budget.inFlight > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.color('muted')}>{d.inFlight(state.inFlight.length)}</Text>
          {state.inFlight.slice(0, budget.inFlight).map((file) => (
            <Text key={file.fileId} wrap="truncate">
              {fit(
                `  ${d.stage(file.stage).padEnd(10)} ${file.ocrPage ? `${d.ocrPage(file.ocrPage.page, file.ocrPage.pages)} ` : ''}` +
                  sanitizeForTerminal(file.relativePath),
              )}
            </Text>
          ))}
          {hidden > 0 && <Text color={theme.color('muted')}>{d.andMore(hidden)}</Text>}
        </Box>
      )}
      {errors.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.color('danger')}>{d.latestErrors(errors.length, c.failed)}</Text>
          {errors.map((error, i) => (
            <Text key={`${i}:${error.relativePath}`} wrap="truncate">
              {failureLine('  ✗ ', error, m, cols)}
            </Text>
          ))}
        </Box>
      )}
    </Box>
  );
}
