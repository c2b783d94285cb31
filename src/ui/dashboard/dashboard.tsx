import { Box, Text } from 'ink';
import { sanitizeForTerminal } from '../../core/text/sanitize-for-terminal.js';
import { formatDuration, formatRate, progressBar, truncateMiddle } from '../format.js';
import { useTheme } from '../theme.js';
import { throughputOf, type DashboardState } from './dashboard-state.js';

export interface DashboardProps {
  state: DashboardState;
  /** Terminal columns; every line is cut to fit. */
  width: number;
  /** In-flight files listed at most (the rest are counted). */
  maxInFlight?: number;
}

/** The live ingest dashboard: a pure function of the state the store reduces from pipeline events. */
export function Dashboard({ state, width, maxInFlight = 6 }: DashboardProps) {
  const theme = useTheme();
  const cols = Math.max(40, width);
  const tp = throughputOf(state);
  const t = state.totals;
  const c = state.counts;
  const percent = tp.target > 0 ? Math.floor((t.processedFiles / tp.target) * 100) : 0;
  const counter = ` ${t.processedFiles}/${tp.target} files ${String(percent).padStart(3)}%`;
  const bar = progressBar(t.processedFiles, tp.target, Math.max(10, cols - counter.length - 2));
  const fit = (text: string) => truncateMiddle(text, cols);
  const title =
    state.phase === 'finished'
      ? `Ingest ${state.status ?? 'finished'} in ${(state.finishedSeconds ?? 0).toFixed(1)} s`
      : state.phase === 'starting'
        ? 'Ingest: looking for files…'
        : `Ingesting ${sanitizeForTerminal(state.sourceDir)}`;
  const hidden = state.inFlight.length - maxInFlight;

  return (
    <Box flexDirection="column" width={cols}>
      <Text bold color={theme.color(state.phase === 'finished' ? 'success' : 'accent')}>
        {fit(`${title}${state.processingType ? ` · ${state.processingType}` : ''}`)}
      </Text>
      <Text>
        <Text color={theme.color('accent')}>{bar}</Text>
        {counter}
      </Text>
      <Text>
        {fit(
          `elapsed ${formatDuration(tp.elapsedSeconds)} · ETA ${tp.etaSeconds === null ? '–' : formatDuration(tp.etaSeconds)}` +
            ` · ${formatRate(tp.filesPerSecond)} files/s · ${formatRate(tp.pagesPerSecond)} pages/s`,
        )}
      </Text>
      <Text>
        {fit(
          `parsed ${c.parsed} · matched ${c.matched} · new patients ${c.newPatients} · review ${c.review} · ` +
            `extracted ${c.extracted}`,
        )}
      </Text>
      <Text>
        {`embedded ${c.embedded} · stored ${c.stored} · duplicates ${c.duplicates} · `}
        <Text color={c.failed > 0 ? theme.color('danger') : undefined}>{`failed ${c.failed}`}</Text>
        {t.deferred > 0 ? ` · next run ${t.deferred}` : ''}
      </Text>
      {state.phase === 'stopping' && (
        <Text color={theme.color('warning')} wrap="wrap">
          Stopping: no new files are started; the files in flight finish. Press Ctrl-C again to abort at once.
        </Text>
      )}
      {state.inFlight.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.color('muted')}>{`In flight (${state.inFlight.length})`}</Text>
          {state.inFlight.slice(0, maxInFlight).map((file) => (
            <Text key={file.fileId}>
              {fit(`  ${file.stage.padEnd(8)} ${sanitizeForTerminal(file.relativePath)}`)}
            </Text>
          ))}
          {hidden > 0 && <Text color={theme.color('muted')}>{`  … and ${hidden} more`}</Text>}
        </Box>
      )}
      {state.errors.length > 0 && (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.color('danger')}>{`Latest errors (${c.failed} in all)`}</Text>
          {state.errors.map((error, i) => (
            <Text key={`${i}:${error.relativePath}`}>
              {fit(
                `  ✗ ${sanitizeForTerminal(error.relativePath)}: ${error.label}` +
                  (error.message ? ` — ${sanitizeForTerminal(error.message)}` : ''),
              )}
            </Text>
          ))}
        </Box>
      )}
    </Box>
  );
}
