import path from 'node:path';
import PQueue from 'p-queue';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { FileResult, PipelineListener, PipelineStage, SessionTotals } from '../core/pipeline/events.js';
import {
  disposalFor,
  FILE_OUTCOMES,
  outcomeKind,
  processingStatusFor,
  type FileOutcome,
} from '../core/pipeline/file-outcome.js';
import { sessionStatus } from '../core/pipeline/session-counts.js';
import { finishedSessionStatus } from '../core/pipeline/session-status.js';
import {
  abandonedTransfer,
  renamedByTransfer,
  transferFinalName,
  transferUnderWay,
} from '../core/pipeline/still-being-written.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { SessionCounterRepository } from '../db/repositories/session-counter-repository.js';
import { SettledFileRepository } from '../db/repositories/settled-file-repository.js';
import type { BatchFile, BatchStatus, BatchUpload } from '../db/schema.js';
import { retryWhileReconnecting, serviceDown } from '../db/connection-loss.js';
import { sweepForcedSession } from '../documents/remove-copies-elsewhere.js';
import { ServiceUnavailableError, UserError } from '../errors.js';
import { databaseFileOf, ownFilesMatcher } from './own-files.js';
import { resolveSourceDir } from './resolve-source-dir.js';
import { discoverFiles, type Discovery } from './discover-files.js';
import { namesInFolder } from './names-in-folder.js';
import { byRelativePath } from './path-order.js';
import { deferredMessage, FileProcessor, type FileToProcess } from './file-processor.js';
import { FileNotFinished } from './file-run.js';
import { GroupCommitter } from './group-committer.js';
import { FileStillBeingWritten, moveWithoutOverwrite, NameNotUtf8, NotRegularFile } from './move-file.js';
import { openSession } from './open-session.js';
import { OutcomeChanges } from './outcome-changes.js';
import { resultFromRow } from './recorded-result.js';
import { SessionTally, type ProcessedFile } from './session-tally.js';
import { settleKnownFiles, unchangedSince, type KnownFile } from './settle-known-files.js';
import { failedFolders } from './failed-folders.js';
import {
  DEFAULT_STORE_BATCH_SIZE,
  runAuditActor,
  type IngestDependencies,
  type IngestOptions,
} from './types.js';
import { INTERRUPTED_NOTE, stoppedNote, unfinishedFileNote } from '../core/pipeline/session-notes.js';

export interface IngestResult {
  session: BatchUpload;
  status: BatchStatus;
  /** The session's counts, derived from its files' recorded states (all its runs, when resumed). */
  totals: SessionTotals;
  seconds: number;
  interrupted: boolean;
  /**
   * Why the run stopped before its files were done: a backend down (exit 69). The files in flight finished;
   * the others stay for the next run. The caller reports the session, then this error.
   */
  stopped: ServiceUnavailableError | null;
  /** This run resumed an unfinished session of the folder instead of opening a new one. */
  resumed: boolean;
  /**
   * Every file the session settled, in path order (only when `collectResults` is set: the JSON report);
   * for a resumed session, those its earlier runs settled too, from their recorded states.
   */
  files: FileResult[];
  /** Seconds spent in each stage, summed over files (they overlap under concurrency: compare shares). */
  stageSeconds: Partial<Record<PipelineStage, number>>;
  /**
   * Hidden and system entries of the folder this run skipped (`.snapshot/`, `@eaDir/`, `.DS_Store`; folders end
   * in `/`): not documents, not files of the session; `--include-hidden` takes them. Absent: no folder walked.
   */
  skippedHidden?: string[];
  /** The --glob matched no file of a folder holding this many (see Discovery.filesNotMatchingGlob). */
  filesNotMatchingGlob?: number;
  /**
   * The registry held no patient when the run began (its `display`: a path, or a URL without its password): every
   * patient of the run was made from a filename. Right for a first run on purpose; the sign of a mistyped --db, a
   * shell without the cron line's TECSALUD_DB, or a command run from the wrong folder otherwise.
   */
  registryEmptyAtStart?: string;
}

/** Persisting the running counts at most this often keeps `status` live without a write per file. */
const COUNTS_FLUSH_MS = 1000;
/**
 * How long a finished file waits for others to share its write. Files in flight go on meanwhile (a file
 * frees its slot when it hands its write over), so the wait costs only how soon its result is reported.
 * At the 35-50 files a second of 2 cores, 40 ms made groups of one or two files; 300 ms took 10-12 % less
 * main-thread CPU per 1,000 files (10.1-10.4 s against 11.4-12.3 s), and 1,000 ms no less than 300.
 */
const STORE_BATCH_DELAY_MS = 300;
/**
 * Texts waiting on a gathering embedder (see batching-embedder), in batches, beyond which a file keeps its
 * slot while it waits: enough for the requests in flight and the one being gathered, while a throttled
 * service cannot make extracted files pile up in memory.
 */
const EMBED_BACKLOG_BATCHES = 6;

/** What the steps of one run share: the session, its repositories, its counts and its listener. */
export interface Run {
  options: IngestOptions;
  deps: IngestDependencies;
  listener: PipelineListener;
  sourceDir: string;
  session: BatchUpload;
  resumed: boolean;
  batches: BatchRepository;
  audit: AuditRepository;
  counters: SessionCounterRepository;
  tally: SessionTally;
  /** Every file's result, when the caller wants them (the JSON report). */
  results: FileResult[] | null;
}

/** The files of a run, sorted out before any is processed. */
export interface RunPlan {
  /** Settled as they were registered: folders that cannot be read or lead outside, files gone. */
  failedEntries: { file: FileToProcess; outcome: FileOutcome; message: string }[];
  /** Settled from what is remembered of them, unread (see settleKnownFiles). */
  known: KnownFile[];
  /**
   * A resumed session's files no longer in the folder (moved, deleted or renamed since its run stopped):
   * settled once the work is done (see settleMissing), with the files that appeared since at their size.
   */
  missing?: MissingFile[];
  /** To process, in path order; those past the --max-files window are deferred. */
  work: FileToProcess[];
  /** A resumed session's files that its earlier runs settled. */
  earlier: BatchFile[];
  /**
   * Those of them still in the folder, unchanged, that --archive-dir or --quarantine-dir wants moved: a run
   * killed between a file's commit and its move left them (or the earlier run was not asked to move them).
   * The report shows these results, with where each went.
   */
  unmoved?: { file: FileToProcess; result: FileResult }[];
}

/** A resumed session's file gone from the folder, and the files new to the session of its very size. */
export interface MissingFile {
  file: FileToProcess;
  row: BatchFile;
  sameSize: string[];
  /** The final name, now in the folder, of a file under a transfer's name (`x.pdf` for `x.pdf.filepart`). */
  renamedTo?: string;
}

/**
 * One ingest of a folder, as named steps over a run: list the files, make sure the vector collection fits
 * the embedder (a run refused there leaves no session behind), open the session (or resume the folder's
 * unfinished one), register the files and settle those already known, process the rest within the
 * --max-files window, finish. Each file's own work is FileProcessor's; the counts come from the files'
 * recorded states.
 */
export async function runIngest(
  options: IngestOptions,
  deps: IngestDependencies,
  listener: PipelineListener = () => undefined,
  settings: { collectResults?: boolean } = {},
): Promise<IngestResult> {
  const started = performance.now();
  const sourceDir = await resolveSourceDir(options.sourceDir);
  const discovery = await discoverFiles({
    sourceDir,
    glob: options.glob,
    skip: await ownFilesOf(options, deps),
    includeHidden: options.includeHidden,
  });
  await prepareCollection({ options, deps });
  const registryEmpty = (await new PatientRepository(deps.database.db).count()) === 0;
  const run = await beginRun(options, deps, listener, sourceDir, settings);
  let plan: RunPlan;
  try {
    plan = await registerFiles(run, discovery);
  } catch (error) {
    // Nothing started: a new session goes, a resumed one stays as it was.
    if (!run.resumed) await run.batches.deleteUnstartedSession(run.session.id).catch(() => undefined);
    throw error;
  }
  await startSession(run);
  // Its earlier run may have died between a document's row and the removal of its old chunks elsewhere.
  if (run.resumed) await sweepForcedSession(deps, options, run.session.id);
  const { interrupted, fatal } = await processFiles(run, plan);
  let stopped = serviceDown(fatal, deps.database);
  // PostgreSQL may stay away past the retries: the session cannot be recorded then, but the report of what
  // this process did is still printed (--json too) before the run ends with 69; the next run recovers the
  // session left open.
  let lost: ServiceUnavailableError | null = null;
  const finished = await finishSession(run, { interrupted, fatal: stopped ?? fatal, started }).catch(
    (error: unknown) => {
      lost = serviceDown(error, deps.database);
      if (!lost) throw error;
      return null;
    },
  );
  if (fatal && !stopped) throw fatal;
  const finalSession = lost
    ? null
    : await retryWhileReconnecting(deps.database, () => run.batches.findSession(run.session.id)).catch(
        (error: unknown) => {
          lost = serviceDown(error, deps.database);
          if (!lost) throw error;
          return null;
        },
      );
  stopped ??= lost;
  const session = finalSession ?? unrecordedSession(run, stopped);
  const seconds = finished?.seconds ?? (performance.now() - started) / 1000;
  const totals = finished?.totals ?? run.tally.snapshot();
  const results = run.results ?? [];
  if (run.results) {
    const disposed = new Map((plan.unmoved ?? []).map(({ result }) => [result.fileId, result]));
    results.push(...plan.earlier.filter(isSettled).map((row) => disposed.get(row.id) ?? resultFromRow(row)));
    // The files left for the next run are listed too, so that the report accounts for every file of total_files:
    // those over --max-files (deferred), and those a run stopped before every file was done (Ctrl-C, SIGTERM, a
    // backend down) did not finish.
    if (finalSession)
      results.push(
        ...(await unfinishedResults(run, results, interrupted ? 'interrupted' : stopped ? 'stopped' : null)),
      );
  }
  results.sort(byRelativePath);
  return {
    session,
    status: session.status,
    totals,
    seconds,
    interrupted,
    stopped,
    resumed: run.resumed,
    files: results,
    stageSeconds: run.tally.stageSeconds,
    skippedHidden: discovery.skippedHidden,
    ...(discovery.filesNotMatchingGlob ? { filesNotMatchingGlob: discovery.filesNotMatchingGlob } : {}),
    ...(registryEmpty ? { registryEmptyAtStart: deps.database.target.display } : {}),
  };
}

/**
 * The session's files a run left for the next one, as the report lists them: one with no outcome (never started
 * by a stopped run) as `interrupted`, pending, with what takes them; one deferred over --max-files, or one an
 * earlier run of a resumed session left pending (deferred, still being written) that this run did not reach, as
 * its row says. Those already reported are not among them. `why` is null for a run that was not stopped: a file
 * with no outcome is then none of these.
 */
async function unfinishedResults(
  run: Run,
  reported: readonly FileResult[],
  why: 'interrupted' | 'stopped' | null,
): Promise<FileResult[]> {
  const listed = new Set(reported.map((result) => result.fileId));
  // The report of what the run did goes out even when the database is gone by now: without these, as before.
  const rows = await retryWhileReconnecting(run.deps.database, () =>
    run.batches.listFiles(run.session.id),
  ).catch(() => [] as BatchFile[]);
  return rows
    .filter((row) => !isSettled(row) && !listed.has(row.id) && (why !== null || row.outcome !== null))
    .map((row) =>
      row.outcome !== null
        ? resultFromRow(row)
        : {
            ...resultFromRow(row),
            outcome: 'interrupted' as const,
            processingStatus: 'pending' as const,
            message: unfinishedFileNote(why ?? 'stopped', run.options.client),
          },
    );
}

/** The session as this process knows it, when the database that should record it is gone. */
function unrecordedSession(run: Run, stopped: ServiceUnavailableError | null): BatchUpload {
  return {
    ...run.session,
    ...run.tally.counts(),
    status: 'failed',
    errorMessage: `stopped: ${stopped?.message ?? 'the database went away'}; the files not done stay for the next run`,
    completedAt: null,
  };
}

export async function beginRun(
  options: IngestOptions,
  deps: IngestDependencies,
  listener: PipelineListener,
  sourceDir: string,
  settings: { collectResults?: boolean },
): Promise<Run> {
  const { session, resumed } = await openSession(options, deps, sourceDir);
  return {
    options,
    deps,
    listener,
    sourceDir,
    session,
    resumed,
    batches: new BatchRepository(deps.database.db),
    audit: new AuditRepository(deps.database.db),
    counters: new SessionCounterRepository(deps.database.db),
    tally: new SessionTally(0),
    results: settings.collectResults ? [] : null,
  };
}

/**
 * Registers the files found (a resumed session keeps its rows) and sorts them out: entries that failed
 * as found, files settled from what is known of them, files settled by an earlier run of the session, and
 * the work. The running counts start from what the session already holds.
 */
export async function registerFiles(run: Run, discovery: Discovery): Promise<RunPlan> {
  const { batches, session, options, deps } = run;
  const folders = failedFolders(discovery);
  // A resumed session's rows as its earlier runs left them: a path not among them is new to the session.
  const before = run.resumed ? await batches.listFiles(session.id) : [];
  const registered = new Set(before.map((row) => row.relativePath));
  const inserted = await batches.registerFiles(session.id, [
    ...discovery.files.map((file) => ({
      relativePath: file.relativePath,
      filename: path.basename(file.relativePath),
      fileSize: file.size,
    })),
    ...folders.map((folder) => ({
      relativePath: folder.relativePath,
      filename: path.basename(folder.relativePath),
      fileSize: null,
    })),
  ]);
  // Under the folder's run lock nothing else registers files of the session: the new paths' rows are these.
  const rows = [...before, ...inserted.filter((row) => !registered.has(row.relativePath))];
  const byPath = new Map(rows.map((row) => [row.relativePath, row]));
  const found = new Set([
    ...discovery.files.map((f) => f.relativePath),
    ...folders.map((f) => f.relativePath),
  ]);
  const earlier = rows.filter((row) => isSettled(row));
  const fresh = (relativePath: string) => {
    const row = byPath.get(relativePath)!;
    return isSettled(row) ? null : row;
  };

  const failedEntries: RunPlan['failedEntries'] = [];
  for (const folder of folders) {
    const row = fresh(folder.relativePath);
    if (row)
      failedEntries.push({
        file: entryOf(row, run.sourceDir),
        outcome: folder.outcome,
        message: folder.message,
      });
  }
  await settleTransfersRenamedOrAbandoned(run, found, discovery.files);
  // A resumed session's file that is no longer in the folder cannot be finished: settleMissing says why.
  const appeared = new Map<number, string[]>();
  for (const file of discovery.files) {
    if (registered.has(file.relativePath) || file.size === null) continue;
    appeared.set(file.size, [...(appeared.get(file.size) ?? []), file.relativePath]);
  }
  const missing: MissingFile[] = rows
    .filter((row) => !isSettled(row) && !found.has(row.relativePath))
    .map((row) => {
      const finalName = transferFinalName(path.posix.basename(row.relativePath));
      const renamedTo =
        finalName === null ? null : path.posix.join(path.posix.dirname(row.relativePath), finalName);
      return {
        file: entryOf(row, run.sourceDir),
        row,
        sameSize: row.fileSize === null ? [] : (appeared.get(row.fileSize) ?? []),
        ...(renamedTo !== null && found.has(renamedTo) ? { renamedTo } : {}),
      };
    });
  const candidates = discovery.files.flatMap((file) => {
    const row = fresh(file.relativePath);
    return row ? [{ ...file, fileId: row.id }] : [];
  });
  // --force re-reads everything; otherwise files unchanged since a run settled them are settled unread.
  const { known, work } = options.force
    ? { known: [], work: candidates }
    : await settleKnownFiles(deps.database, run.sourceDir, candidates, {
        ocrReadsScans: options.ocr !== undefined && options.ocr.mode !== 'off',
        client: options.client,
      });

  const unmoved = run.resumed ? await unmovedFiles(run, earlier, discovery) : [];

  // The live counts start from what the session holds (a resumed session's earlier runs), its leftovers
  // from the interrupted run (deferred, interrupted) being this run's work again.
  const recorded = await run.counters.recount(session.id, { final: true });
  run.tally = new SessionTally(recorded.totalFiles, { ...recorded, deferred: 0 });
  return { failedEntries, known, work, earlier, unmoved, missing };
}

/**
 * A file under a transfer's name (`x.pdf.filepart`) that an earlier run of the folder left still being written:
 * - it has left the folder while its final name is there: its tool renamed it once complete, and this run
 *   registers the final name as a file of its own. The earlier session's row ends `renamed_by_transfer`, as a
 *   queued one does (see FileProcessor);
 * - it is still there and has stopped changing for the still-writing window: its transfer was abandoned, and
 *   this run fails it `invalid_name` saying so; the earlier session's row ends the same way.
 * Either way the earlier session stops waiting for ever for a rename that has happened, or never will.
 */
async function settleTransfersRenamedOrAbandoned(
  run: Run,
  found: ReadonlySet<string>,
  files: readonly { relativePath: string; mtimeMs: number | null }[],
): Promise<void> {
  const rows = await run.batches.filesOfOtherSessions(run.sourceDir, run.session.id, ['still_being_written']);
  const mtimes = new Map(files.map((file) => [file.relativePath, file.mtimeMs]));
  const windowMs = run.options.stillWritingMs;
  const nowMs = Date.now();
  const settled = rows.flatMap(
    (
      row,
    ): { row: (typeof rows)[number]; outcome: 'invalid_name' | 'renamed_by_transfer'; message: string }[] => {
      const name = path.posix.basename(row.relativePath);
      const finalName = transferFinalName(name);
      if (finalName === null) return [];
      if (found.has(row.relativePath)) {
        const mtimeMs = mtimes.get(row.relativePath) ?? null;
        if (!windowMs || mtimeMs === null || transferUnderWay(name, mtimeMs, { nowMs, windowMs }) !== null)
          return [];
        const abandoned = abandonedTransfer(name, mtimeMs, nowMs)!;
        return [{ row, outcome: 'invalid_name', message: abandoned }];
      }
      const renamedTo = path.posix.join(path.posix.dirname(row.relativePath), finalName);
      return found.has(renamedTo)
        ? [{ row, outcome: 'renamed_by_transfer', message: renamedByTransfer(renamedTo, true) }]
        : [];
    },
  );
  if (settled.length === 0) return;
  await run.batches.updateFiles(
    settled.map(({ row, outcome, message }) => ({
      fileId: row.id,
      update: { outcome, processingStatus: processingStatusFor(outcome), errorMessage: message },
    })),
  );
  for (const sessionId of new Set(settled.map(({ row }) => row.batchId))) {
    const totals = await run.counters.recount(sessionId);
    // A session that finished `completed` while it waited for the transfer now holds the failure.
    await run.batches.restateFinishedSession(sessionId, finishedSessionStatus(totals));
  }
}

/**
 * A resumed session's settled files that this run's --archive-dir / --quarantine-dir wants moved and that are
 * still in the folder as they were settled: the same size and modification time as remembered (or, for a
 * failure not remembered, as registered). A file changed since is left alone: it is not what was settled.
 */
async function unmovedFiles(
  run: Pick<Run, 'options' | 'deps' | 'sourceDir'>,
  earlier: BatchFile[],
  discovery: Discovery,
): Promise<NonNullable<RunPlan['unmoved']>> {
  const { options } = run;
  if (!options.archiveDir && !options.quarantineDir) return [];
  const found = new Map(discovery.files.map((file) => [file.relativePath, file]));
  const wanted = earlier.flatMap((row) => {
    const disposal = disposalFor(row.outcome as FileOutcome);
    const file = found.get(row.relativePath);
    const moves =
      disposal === 'archive'
        ? options.archiveDir
        : disposal === 'quarantine'
          ? options.quarantineDir
          : undefined;
    return moves && file && !file.outsideSource ? [{ row, file }] : [];
  });
  if (wanted.length === 0) return [];
  const remembered = await new SettledFileRepository(run.deps.database.db).lookup(
    run.sourceDir,
    wanted.map(({ row }) => row.relativePath),
  );
  return wanted.flatMap(({ row, file }) => {
    const memory = remembered.get(row.relativePath);
    const unchanged = memory
      ? unchangedSince(memory, file)
      : row.fileSize !== null && row.fileSize === file.size;
    return unchanged ? [{ file: { ...file, fileId: row.id }, result: resultFromRow(row) }] : [];
  });
}

/** A registered row as a file of the run (entries recorded as found are never read or moved). */
function entryOf(row: BatchFile, sourceDir: string): FileToProcess {
  return {
    fileId: row.id,
    relativePath: row.relativePath,
    absolutePath: path.join(sourceDir, row.relativePath),
    outsideSource: true,
    size: null,
    mtimeMs: null,
  };
}

/** Vectors need an embedder and a store whose collection was filled by that same embedder. */
export async function prepareCollection({ options, deps }: Pick<Run, 'options' | 'deps'>): Promise<void> {
  if (options.processingType === 'complete') return;
  if (!deps.embedder || !deps.vectorStore) {
    throw new UserError(`processing type '${options.processingType}' needs a vector store and an embedder`);
  }
  await deps.vectorStore.ensureCollection({
    name: deps.collection,
    embedderId: deps.embedder.id,
    dimension: deps.embedder.dimension,
  });
}

export async function startSession({
  batches,
  session,
  tally,
  listener,
  sourceDir,
  options,
}: Run): Promise<void> {
  await batches.markStarted(session.id);
  listener({
    type: 'session_started',
    sessionId: session.id,
    sourceDir,
    totalFiles: tally.snapshot().totalFiles,
    processingType: options.processingType,
  });
}

/**
 * Settles the entries and known files first (no window place, no reading), then runs the work through the
 * FileProcessor, `concurrency` at a time, within the --max-files window: a file takes a place only once it
 * needs work (see FileProcessor); when the window is full, the files not started are deferred at once.
 * The signal (Ctrl-C) stops it from starting any further file; files in flight finish. An error that is
 * not one file's stops it too.
 */
export async function processFiles(
  run: Run,
  plan: RunPlan,
): Promise<{ interrupted: boolean; fatal: unknown }> {
  const { options, deps, listener, session, tally } = run;
  const aborted = () => Boolean(options.signal?.aborted);
  const storeBatchSize = options.storeBatchSize ?? DEFAULT_STORE_BATCH_SIZE;
  let lastFlush = performance.now();
  const flushCounts = async () => {
    if (performance.now() - lastFlush < COUNTS_FLUSH_MS) return;
    lastFlush = performance.now();
    await run.counters.recount(session.id);
  };
  const changes = new OutcomeChanges(run, plan);
  const finished = async (file: FileToProcess, processed: ProcessedFile) => {
    // Before any await: whichever of a file and its copy reports first, the other one sees it.
    const seen = changes.seen(processed);
    if (processed.result.outcome === 'deferred') {
      tally.defer(1);
    } else {
      await disposeOf(run, file, processed.result);
      tally.record(processed);
      run.results?.push(processed.result);
    }
    await seen.rewrite();
    listener({ type: 'file_finished', result: processed.result, totals: tally.snapshot() });
    await seen.report();
    await flushCounts();
  };

  await settleUpFront(run, plan, finished);
  for (const { file, result } of plan.unmoved ?? []) {
    const failedBefore = result.moveError;
    await disposeOf(run, file, result);
    if (result.movedTo && failedBefore) {
      result.moveError = null;
      await run.batches.updateFile(file.fileId, { moveError: null });
    }
  }

  const totalPatients = await new PatientRepository(deps.database.db).count();
  const committer = new GroupCommitter(deps, { maxFiles: storeBatchSize, maxDelayMs: STORE_BATCH_DELAY_MS });
  let admitted = 0;
  const windowFull = () => admitted >= options.maxFiles;
  const processor = new FileProcessor(
    session.id,
    options,
    deps,
    totalPatients,
    (file, stage, ocrPage) =>
      listener({
        type: 'file_stage',
        fileId: file.fileId,
        relativePath: file.relativePath,
        stage,
        ...(ocrPage ? { ocrPage } : {}),
      }),
    committer,
    () => (windowFull() ? false : (admitted++, true)),
    run.sourceDir,
    undefined,
    // The files `ingest --dry-run` plans: a new patient is named as the plan names it (see nameOfNewPatient).
    namesInFolder(plan.work),
  );

  const queue = new PQueue({ concurrency: options.concurrency });
  /** Files past their own work, waiting for their group's write: their results come when it commits. */
  const awaitingWrite = new Set<Promise<void>>();
  let fatal: unknown = null;
  /** The run lock lost for good (PostgreSQL), or a backend down: no new file starts. */
  const halted = () => {
    if (options.halt?.aborted) fatal ??= options.halt.reason;
    return fatal !== null;
  };
  /** Files queued but not started: the signal came, or the window filled, while they waited. */
  const notStarted: FileToProcess[] = [];
  let next = 0;
  for (; next < plan.work.length; next++) {
    if (aborted() || halted() || windowFull()) break;
    const file = plan.work[next]!;
    // Back-pressure: queue only a few files ahead, so memory stays flat however large the folder.
    await queue.onSizeLessThan(options.concurrency);
    if (aborted() || halted() || windowFull()) break;
    void queue.add(async () => {
      // A file queued before Ctrl-C (or before the window filled, or a backend went down) does not start after it.
      if (halted() || aborted() || windowFull()) {
        notStarted.push(file);
        return;
      }
      listener({ type: 'file_started', fileId: file.fileId, relativePath: file.relativePath });
      // The slot frees when the file hands its embedding or its write over, so that the next file's
      // extraction need not wait for a request or a group to fill (and more files join them); while the
      // embedder or the writes are behind, it frees only once the file's own work is done.
      await new Promise<void>((freeSlot) => {
        const handOff = () => {
          const writesBehind = committer.backlog > 2 * storeBatchSize;
          const embeddingBehind =
            (deps.embedder?.backlog ?? 0) > EMBED_BACKLOG_BATCHES * options.embedBatchSize;
          if (!writesBehind && !embeddingBehind) freeSlot();
        };
        const done = processor
          .process(file, handOff)
          .then((processed) => finished(file, processed))
          .catch((error: unknown) => {
            // The file reached no final state: it stays for the next run; its patient, if it made one, counts.
            if (error instanceof FileNotFinished) {
              if (error.createdPatient) tally.patientCreated();
              fatal ??= error.reason;
            } else fatal ??= error;
          })
          .finally(() => {
            awaitingWrite.delete(done);
            freeSlot();
          });
        awaitingWrite.add(done);
      });
    });
  }
  // The window is full: what is left is the next run's, and the progress target says so at once.
  if (windowFull() && !aborted() && !fatal) await deferRest(run, plan.work.slice(next));
  await queue.onIdle();
  await committer.flush();
  await Promise.all(awaitingWrite);
  halted();
  // After the work: a file renamed since is then settled under its new name, and its content hash known.
  if (!fatal) await settleMissing(run, plan.missing ?? [], finished);
  const interrupted = aborted();
  if (!interrupted && !fatal && windowFull()) await deferRest(run, notStarted);
  return { interrupted, fatal };
}

/** Entries that failed as found and files settled from memory: recorded together, reported one by one. */
export async function settleUpFront(
  run: Run,
  plan: RunPlan,
  finished: (file: FileToProcess, processed: ProcessedFile) => Promise<void>,
): Promise<void> {
  await settleEntries(
    run,
    [
      ...plan.failedEntries.map((entry) => ({
        file: entry.file,
        outcome: entry.outcome,
        message: entry.message,
        sha: null,
      })),
      ...plan.known.map(({ file, settled: s, contentSha256 }) => ({
        file,
        outcome: s.outcome,
        message: s.message,
        sha: contentSha256,
      })),
    ],
    finished,
  );
}

/**
 * A resumed session's files gone from the folder. One whose content hash its stopped run recorded, and whose
 * bytes this session has since settled under a name that appeared in the folder (a rename), ends as that
 * file's copy: `duplicate_in_batch` when it was ingested or waits for review, its very failure when it failed
 * (`unreadable` while it is not finished) — the message names the new name. Any other gone file fails
 * (`unreadable`), naming the files that appeared since at its very size: a run stopped before hashing it
 * (kill -9 mid-run) cannot tell its bytes, and re-reading the folder to find them is not worth it.
 */
export async function settleMissing(
  run: Run,
  missing: MissingFile[],
  finished: (file: FileToProcess, processed: ProcessedFile) => Promise<void>,
): Promise<void> {
  if (missing.length === 0) return;
  const now = new Map((await run.batches.listFiles(run.session.id)).map((row) => [row.relativePath, row]));
  const entries: SettledEntry[] = [];
  for (const { file, row, sameSize, renamedTo } of missing) {
    const sha = row.contentSha256;
    // A `.filepart` its transfer renamed once complete: the final name, registered by this run, carries the file.
    if (renamedTo) {
      entries.push({
        file,
        outcome: 'renamed_by_transfer',
        sha,
        message: renamedByTransfer(renamedTo, true),
      });
      continue;
    }
    const twin = sha
      ? sameSize.map((p) => now.get(p)).find((other) => other?.contentSha256 === sha)
      : undefined;
    if (!twin) {
      const named =
        sameSize
          .slice(0, 3)
          .map((p) => `'${p}'`)
          .join(', ') + (sameSize.length > 3 ? ', …' : '');
      entries.push({
        file,
        outcome: 'unreadable',
        sha,
        message:
          'the file is no longer in the folder: it was moved or deleted before this session finished it' +
          (sameSize.length > 0
            ? `; ${named} of the same size appeared in the folder since: if it was renamed, it is processed under that name`
            : ''),
      });
      continue;
    }
    const renamed = `renamed to '${twin.relativePath}' before this session finished it: the same bytes`;
    if (!isSettled(twin)) {
      // Not done under the new name either (a stop, --max-files, the queue's workers): that file carries them.
      entries.push({
        file,
        outcome: 'unreadable',
        sha,
        message: `${renamed} are not finished under the new name yet: see that file`,
      });
      continue;
    }
    const outcome = twin.outcome as FileOutcome;
    const kind = Object.hasOwn(FILE_OUTCOMES, outcome) ? outcomeKind(outcome) : 'failed';
    entries.push(
      kind === 'failed'
        ? {
            file,
            outcome,
            sha,
            message: `${renamed} failed under the new name (${outcome}): ${twin.errorMessage ?? ''}`.trim(),
          }
        : {
            file,
            outcome: 'duplicate_in_batch',
            sha,
            message: `${renamed} were processed under the new name (${outcome})`,
          },
    );
  }
  await settleEntries(run, entries, finished);
}

interface SettledEntry {
  file: FileToProcess;
  outcome: FileOutcome;
  message: string;
  sha: string | null;
}

/** Files settled without being processed: recorded together, reported one by one. */
async function settleEntries(
  run: Run,
  settled: SettledEntry[],
  finished: (file: FileToProcess, processed: ProcessedFile) => Promise<void>,
): Promise<void> {
  await run.batches.updateFiles(
    settled.map(({ file, outcome, message, sha }) => {
      const parse = parseFilename(path.basename(file.relativePath));
      return {
        fileId: file.fileId,
        update: {
          outcome,
          errorMessage: message,
          processingStatus: processingStatusFor(outcome),
          contentSha256: sha,
          ...(parse.ok
            ? {
                expediente: parse.parsed.expediente,
                documentType: parse.parsed.documentType,
                documentTypeCode: parse.parsed.documentTypeCode,
                numero: parse.parsed.numero,
              }
            : {}),
        },
      };
    }),
  );
  for (const { file, outcome, message, sha } of settled) {
    const result: FileResult = {
      fileId: file.fileId,
      relativePath: file.relativePath,
      filename: path.basename(file.relativePath),
      outcome,
      processingStatus: processingStatusFor(outcome),
      message,
      parse: parseFilename(path.basename(file.relativePath)),
      match: null,
      pages: null,
      chunks: null,
      documentId: null,
      contentSha256: sha,
      stageMs: {},
    };
    await finished(file, { result, patient: null });
  }
}

/** The window is full: the files not started are recorded as deferred, for the next run. */
async function deferRest(run: Run, rest: FileToProcess[]): Promise<void> {
  if (rest.length === 0) return;
  await run.batches.updateFilesAlike(
    rest.map((file) => file.fileId),
    { outcome: 'deferred', processingStatus: 'pending', errorMessage: deferredMessage(run.options.maxFiles) },
  );
  run.tally.defer(rest.length);
}

/** Records the final counts and status, the audit row and the closing event; returns the run's seconds. */
export async function finishSession(
  { batches, counters, audit, session, tally, listener, options, deps }: Run,
  outcome: { interrupted: boolean; fatal: unknown; started: number },
): Promise<{ seconds: number; totals: SessionTotals }> {
  const { interrupted, fatal } = outcome;
  // The database may be what failed: when it comes back within a few seconds (a restart), the session is
  // still recorded on a new connection (these reads and writes are safe to repeat).
  const totals = await retryWhileReconnecting(deps.database, async () => ({
    ...(await counters.recount(session.id, { final: true })),
    deferred: tally.snapshot().deferred,
  }));
  const status = sessionStatus(totals, { interrupted, stopped: Boolean(fatal) });
  const errorMessage = fatal
    ? stoppedNote(
        (fatal as Error).message ?? String(fatal),
        fatal instanceof ServiceUnavailableError,
        options.client,
      )
    : interrupted
      ? INTERRUPTED_NOTE
      : null;
  await retryWhileReconnecting(deps.database, () => batches.finishSession(session.id, status, errorMessage));
  await retryWhileReconnecting(deps.database, () =>
    audit.record({
      ...runAuditActor(options),
      action: interrupted ? 'session_interrupted' : fatal ? 'session_stopped' : 'session_completed',
      batchId: session.id,
      entityType: 'batch_upload',
      entityId: session.id,
      details: { status, ...totals, ...(fatal ? { error: errorMessage } : {}) },
    }),
  );
  const seconds = (performance.now() - outcome.started) / 1000;
  listener({ type: 'session_finished', sessionId: session.id, status, totals, seconds });
  return { seconds, totals };
}

/**
 * Archive or quarantine a file once its final state is committed. A run killed before the move
 * leaves the file in place; the re-run finds it already ingested (a duplicate) and moves it then.
 * A failed move (a read-only archive, a name too long, a file that changed after it was read: it may still
 * be being copied in) is recorded on the file and reported — the summary, `status --files`, the log, exit 3
 * — never fatal: the file stays where it was, and the next run tries again.
 */
export async function disposeOf(
  {
    options,
    audit,
    session,
    batches,
    deps,
    sourceDir,
  }: Pick<Run, 'options' | 'audit' | 'session' | 'batches' | 'deps' | 'sourceDir'>,
  file: FileToProcess,
  result: FileResult,
): Promise<void> {
  const disposal = disposalFor(result.outcome);
  const targetRoot =
    disposal === 'archive'
      ? options.archiveDir
      : disposal === 'quarantine'
        ? options.quarantineDir
        : undefined;
  if (!targetRoot || file.outsideSource) return;
  const flag = disposal === 'archive' ? '--archive-dir' : '--quarantine-dir';
  try {
    // The file's outcome is committed; on disk too before the file leaves the folder (an OS crash between
    // the two would leave a file moved away that the registry never recorded).
    await deps.database.commitsDurable();
    result.movedTo = await moveWithoutOverwrite(
      file.absolutePath,
      targetRoot,
      file.relativePath,
      options.fileMode,
      {
        asRead: file,
      },
    );
    // The path is free again: what was remembered of the file there no longer applies.
    await new SettledFileRepository(deps.database.db).forget(sourceDir, [file.relativePath]);
    await audit.record({
      ...runAuditActor(options),
      action: disposal === 'archive' ? 'file_archived' : 'file_quarantined',
      batchId: session.id,
      entityType: 'batch_file',
      entityId: file.fileId,
      details: { outcome: result.outcome, to: result.movedTo },
    });
  } catch (error) {
    result.movedTo = null;
    result.moveError = notMovedMessage(result.outcome, flag, targetRoot, error);
    await batches.updateFile(file.fileId, { moveError: result.moveError });
    await audit.record({
      ...runAuditActor(options),
      action: 'file_not_moved',
      batchId: session.id,
      entityType: 'batch_file',
      entityId: file.fileId,
      details: { outcome: result.outcome, to: targetRoot, error: result.moveError },
    });
  }
}

/** Why a file stays in the drop folder: its outcome, where it was to go, and the reason. */
export function notMovedMessage(
  outcome: FileOutcome,
  flag: '--archive-dir' | '--quarantine-dir',
  targetRoot: string,
  error: unknown,
): string {
  return `${FILE_OUTCOMES[outcome].label}, but not moved to ${flag} ${targetRoot}: ${describeMoveError(error)}`;
}

function describeMoveError(error: unknown): string {
  if (error instanceof FileStillBeingWritten) {
    return `${error.message}; it stays in the drop folder for the next run`;
  }
  if (error instanceof NotRegularFile) return `${error.message}; it stays in the drop folder`;
  if (error instanceof NameNotUtf8) {
    return `${error.message}; it stays in the drop folder: rename it in UTF-8 (e.g. convmv -f latin1 -t utf8 --notest FILE)`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return 'the folder is on a read-only file-system';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (check the folder’s permissions)';
  if (code === 'ENAMETOOLONG') return 'the path is too long for the file-system';
  if (code === 'ENOSPC') return 'no space left on the device';
  return (error as Error).message ?? String(error);
}

/** A file whose recorded state is final: settled, needing nothing more from a run of its session. */
function isSettled(row: BatchFile): boolean {
  if (row.outcome === null) return false;
  return Object.hasOwn(FILE_OUTCOMES, row.outcome)
    ? outcomeKind(row.outcome as FileOutcome) !== 'pending'
    : true;
}

export { resolveSourceDir };

/** The run's own files (database, log, config), which discovery leaves out of the folder (see own-files.ts). */
export function ownFilesOf(
  options: Pick<IngestOptions, 'ownFiles'>,
  deps: Pick<IngestDependencies, 'database'>,
): Promise<(absolutePath: string) => boolean> {
  return ownFilesMatcher([...(options.ownFiles ?? []), databaseFileOf(deps.database.target)]);
}
