import {
  emptyTotals,
  leftForNextRun,
  type FileResult,
  type OcrPageProgress,
  type PipelineEvent,
  type PipelineStage,
  type SessionTotals,
} from '../../core/pipeline/events.js';
import { FILE_OUTCOMES, outcomeKind } from '../../core/pipeline/file-outcome.js';

/** Counts per stage and outcome, as the dashboard lists them. */
export interface StageCounts {
  parsed: number;
  matched: number;
  newPatients: number;
  review: number;
  extracted: number;
  embedded: number;
  stored: number;
  duplicates: number;
  failed: number;
}

export interface InFlightFile {
  fileId: string;
  relativePath: string;
  stage: PipelineStage | 'queued';
  /** A scan being OCR'd: the page it is on. */
  ocrPage?: OcrPageProgress;
}

export interface DashboardError {
  relativePath: string;
  /** The outcome's code: the screen words it in the reviewer's language. */
  outcome: string;
  label: string;
  message: string | null;
}

export interface DashboardState {
  phase: 'starting' | 'running' | 'stopping' | 'finished';
  sessionId: string | null;
  sourceDir: string;
  processingType: string;
  totals: SessionTotals;
  counts: StageCounts;
  /** Insertion order = start order. */
  inFlight: InFlightFile[];
  /** Most recent last, at most MAX_ERRORS. */
  errors: DashboardError[];
  startedAt: number | null;
  now: number;
  finishedSeconds: number | null;
  status: string | null;
  /** Ctrl-Z was pressed: the dashboard says why the run does not suspend (until the run stops or ends). */
  suspendRefused?: boolean;
}

export type DashboardAction =
  | { type: 'event'; event: PipelineEvent; now: number }
  | { type: 'tick'; now: number }
  | { type: 'stopping' }
  | { type: 'suspend_refused' }
  /** A second Ctrl-C: the process ends now, and the last frame says so. */
  | { type: 'interrupted'; now: number };

export const MAX_ERRORS = 5;

const EMPTY_TOTALS: SessionTotals = emptyTotals();

export function initialDashboardState(now = 0): DashboardState {
  return {
    phase: 'starting',
    sessionId: null,
    sourceDir: '',
    processingType: '',
    totals: EMPTY_TOTALS,
    counts: {
      parsed: 0,
      matched: 0,
      newPatients: 0,
      review: 0,
      extracted: 0,
      embedded: 0,
      stored: 0,
      duplicates: 0,
      failed: 0,
    },
    inFlight: [],
    errors: [],
    startedAt: null,
    now,
    finishedSeconds: null,
    status: null,
  };
}

/** Pure: the dashboard's state after one pipeline event (or a clock tick). */
export function reduceDashboard(state: DashboardState, action: DashboardAction): DashboardState {
  if (action.type === 'tick') return state.phase === 'finished' ? state : { ...state, now: action.now };
  if (action.type === 'stopping') return state.phase === 'finished' ? state : { ...state, phase: 'stopping' };
  if (action.type === 'suspend_refused') return { ...state, suspendRefused: true };
  if (action.type === 'interrupted') {
    if (state.phase === 'finished') return state;
    const seconds = state.startedAt === null ? 0 : Math.max(0, (action.now - state.startedAt) / 1000);
    return {
      ...state,
      phase: 'finished',
      now: action.now,
      inFlight: [],
      finishedSeconds: seconds,
      status: 'interrupted',
    };
  }
  const { event, now } = action;
  switch (event.type) {
    case 'session_started':
      return {
        ...state,
        phase: state.phase === 'stopping' ? 'stopping' : 'running',
        sessionId: event.sessionId,
        sourceDir: event.sourceDir,
        processingType: event.processingType,
        totals: { ...state.totals, totalFiles: event.totalFiles },
        startedAt: now,
        now,
      };
    case 'file_started':
      return {
        ...state,
        now,
        inFlight: [
          ...state.inFlight,
          { fileId: event.fileId, relativePath: event.relativePath, stage: 'queued' },
        ],
      };
    case 'file_stage':
      return {
        ...state,
        now,
        inFlight: state.inFlight.map((f) =>
          f.fileId === event.fileId ? { ...f, stage: event.stage, ocrPage: event.ocrPage } : f,
        ),
      };
    case 'file_finished': {
      const { result } = event;
      const failed = outcomeKind(result.outcome) === 'failed';
      return {
        ...state,
        now,
        totals: event.totals,
        counts: countResult(state.counts, result),
        inFlight: state.inFlight.filter((f) => f.fileId !== result.fileId),
        errors: failed ? [...state.errors, errorOf(result)].slice(-MAX_ERRORS) : state.errors,
      };
    }
    case 'file_outcome_changed': {
      // A file counted as ingested went back to review (or its detail changed): its old count goes.
      const { previous, result } = event;
      const counts = event.reported
        ? countResult(countResult(state.counts, previous, -1), result, 1)
        : state.counts;
      const shown = state.errors.filter((error) => error.relativePath !== result.relativePath);
      return {
        ...state,
        now,
        totals: event.totals,
        counts,
        errors:
          outcomeKind(result.outcome) === 'failed' ? [...shown, errorOf(result)].slice(-MAX_ERRORS) : shown,
      };
    }
    case 'session_finished':
      return {
        ...state,
        phase: 'finished',
        now,
        totals: event.totals,
        inFlight: [],
        finishedSeconds: event.seconds,
        // The pipeline reports how the files went; a Ctrl-C is what the admin needs to see.
        status: state.phase === 'stopping' ? 'interrupted' : event.status,
      };
  }
}

function errorOf(result: FileResult): DashboardError {
  return {
    relativePath: result.relativePath,
    outcome: result.outcome,
    label: FILE_OUTCOMES[result.outcome].label,
    message: result.message,
  };
}

/** The counts with the file's added (`sign` 1), or taken away (-1: its outcome changed since). */
function countResult(counts: StageCounts, result: FileResult, sign: 1 | -1 = 1): StageCounts {
  const kind = outcomeKind(result.outcome);
  const ingested = result.outcome === 'ingested';
  const extracted = ingested || result.outcome === 'review_required' || result.outcome === 'patient_conflict';
  const n = (counted: boolean) => (counted ? sign : 0);
  return {
    parsed: counts.parsed + n(result.parse?.ok === true),
    matched: counts.matched + n(ingested && result.match?.status === 'matched'),
    newPatients: counts.newPatients + n(ingested && result.match?.status === 'new_patient'),
    review: counts.review + n(kind === 'review'),
    extracted: counts.extracted + n(extracted),
    embedded: counts.embedded + n(ingested && result.stageMs.embed !== undefined),
    stored: counts.stored + n(ingested),
    duplicates:
      counts.duplicates + n(result.outcome === 'duplicate' || result.outcome === 'duplicate_in_batch'),
    failed: counts.failed + n(kind === 'failed'),
  };
}

export interface Throughput {
  elapsedSeconds: number;
  filesPerSecond: number;
  pagesPerSecond: number;
  /** Seconds left at the current rate; null before the first file finishes. */
  etaSeconds: number | null;
  /** Files this run will process (total minus those left for the next run). */
  target: number;
}

export function throughputOf(state: DashboardState): Throughput {
  const elapsedSeconds =
    state.finishedSeconds ??
    (state.startedAt === null ? 0 : Math.max(0, (state.now - state.startedAt) / 1000));
  const t = state.totals;
  const target = Math.max(0, t.totalFiles - leftForNextRun(t));
  const filesPerSecond = elapsedSeconds > 0 ? t.processedFiles / elapsedSeconds : 0;
  const pagesPerSecond = elapsedSeconds > 0 ? t.pages / elapsedSeconds : 0;
  const remaining = Math.max(0, target - t.processedFiles);
  // A run interrupted with files left has no time left to give: 'restante 0:00' beside 51 files not done
  // read as done.
  const etaSeconds =
    state.phase === 'finished'
      ? remaining === 0
        ? 0
        : null
      : filesPerSecond > 0
        ? remaining / filesPerSecond
        : remaining === 0
          ? 0
          : null;
  return { elapsedSeconds, filesPerSecond, pagesPerSecond, etaSeconds, target };
}
