import fs from 'node:fs';
import type { MatchThresholds } from '../core/matching/types.js';
import { translateDatabaseError } from '../db/database-file-errors.js';
import { resolveDatabaseTarget, type DatabaseTarget } from '../db/database-url.js';
import { openDatabase, type OpenDatabase } from '../db/open-database.js';
import type { SettledFile } from '../db/schema.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { SettledFileRepository } from '../db/repositories/settled-file-repository.js';
import { resolveSourceDir } from '../ingest/resolve-source-dir.js';
import { databaseFileOf, ownFilesMatcher } from '../ingest/own-files.js';
import { discoverFiles, type DiscoveredFile } from '../ingest/discover-files.js';
import { checkBeforeMatching } from '../ingest/check-drop-file.js';
import { failedFolders } from '../ingest/failed-folders.js';
import { deferredMessage } from '../core/pipeline/deferred-message.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';
import { matchAgainstRegistry } from '../db/match-against-registry.js';
import type { RegistryLocation } from './open-registry.js';
import { PlannedPatients } from '../db/planned-patients.js';

export interface PlannedFile {
  path: string;
  /**
   * `failed`: the name parses, but the file fails a check the run makes before matching (see checkDropFile);
   * `still_being_written`: under a transfer's name and changed moments ago, or empty or cut short and changing
   * while watched: the run leaves it for the next one.
   */
  plan: 'auto' | 'review' | 'new' | 'invalid_name' | 'failed' | 'still_being_written' | 'deferred';
  /** Why the name does not parse, why the file fails, or why the run leaves it: the run's words. */
  error?: string;
  /** With `failed`: the outcome the run would record (`empty_file`, `not_pdf`, `unreadable`, `too_large`…). */
  outcome?: FileOutcome;
  expediente?: string;
  confidence?: number;
  reason?: string;
  patient_expediente?: string | null;
}

export interface IngestPlan {
  /**
   * `settled`: files unchanged since a run settled them, which the run would settle unread (not listed);
   * `deferred`: files past --max-files, which the run would leave for the next one (listed in the JSON, with the
   *   run's reason; the text's closing line counts them);
   * `failed`: files (and sub-folders) that fail a check before matching, listed with the run's reason;
   * `still_being_written`: files the run would leave for the next one, as a transfer still under way (listed).
   */
  counts: {
    auto: number;
    review: number;
    new: number;
    invalid: number;
    failed: number;
    settled: number;
    deferred: number;
    still_being_written: number;
  };
  files: PlannedFile[];
  /** Hidden and system entries the run would skip (see discoverFiles), as the run names them. */
  skippedHidden: string[];
  /** The --glob matched no file of a folder holding this many. */
  filesNotMatchingGlob?: number;
  glob?: string;
}

/**
 * `ingest --dry-run`: the parse and match plan for every file of the folder, up to `maxFiles` of those a run
 * would work on (as the run does, files unchanged since a run settled them take no place: see
 * ingest/settle-known-files; nor do files with an invalid name, failing a check or still being written). The
 * looks the run takes before matching are taken here from each file's name, modification time, size, permissions
 * and first bytes (see checkBeforeMatching), so that a file the run would fail is planned as failing, and a copy
 * still under way (a transfer's name, or an empty or cut-short file that changes while it is watched a moment, as
 * the run watches it) as left for the next run; no file is read whole, no PDF opened. Writes nothing, not
 * even a new database: a missing SQLite file is read as an empty registry.
 */
export async function planIngest(
  location: RegistryLocation,
  options: {
    sourceDir: string;
    glob?: string;
    includeHidden?: boolean;
    maxFiles: number;
    maxFileSize: number;
    thresholds: MatchThresholds;
    ownFiles?: readonly string[];
    /** `--still-writing-seconds`, in ms: a transfer's name changed within it is left for the next run. */
    stillWritingMs?: number | undefined;
  },
): Promise<IngestPlan> {
  // The run's refusals, so that the plan predicts them: a missing folder, or a file given for it.
  await resolveSourceDir(options.sourceDir);
  const target = resolveDatabaseTarget(location.db, { cwd: location.cwd, setting: location.dbSetting });
  const readTarget: DatabaseTarget =
    target.kind === 'sqlite' && target.path !== ':memory:' && !fs.existsSync(target.path)
      ? { kind: 'sqlite', path: ':memory:', display: ':memory:' }
      : target;
  const database = await openDatabase(readTarget, { migrate: readTarget.display === ':memory:' });
  const files: PlannedFile[] = [];
  const counts = {
    auto: 0,
    review: 0,
    new: 0,
    invalid: 0,
    failed: 0,
    settled: 0,
    deferred: 0,
    still_being_written: 0,
  };
  const skippedHidden: string[] = [];
  let filesNotMatchingGlob: number | undefined;
  try {
    const registry = PatientRepository.forDatabase(database);
    const registered = await registry.count();
    const patients = new PlannedPatients(registry);
    const skip = await ownFilesMatcher([...(options.ownFiles ?? []), databaseFileOf(target)]);
    const discovery = await discoverFiles({
      sourceDir: options.sourceDir,
      glob: options.glob,
      skip,
      includeHidden: options.includeHidden,
    });
    skippedHidden.push(...discovery.skippedHidden);
    filesNotMatchingGlob = discovery.filesNotMatchingGlob;
    for (const folder of failedFolders(discovery)) {
      counts.failed++;
      files.push({
        path: folder.relativePath,
        plan: 'failed',
        outcome: folder.outcome,
        error: folder.message,
      });
    }
    const unchanged = await unchangedSinceSettled(
      database,
      fs.realpathSync(options.sourceDir),
      discovery.files,
    );
    counts.settled = unchanged.size;
    // The run's looks before matching, in its order and with its rule for a copy still under way (an empty or
    // cut-short file changed moments ago is watched a moment); only a file that passes them takes a place in
    // --max-files.
    const checked = await checkBeforeMatching(
      discovery.files.filter((file) => !unchanged.has(file.relativePath)),
      options,
    );
    let taken = 0;
    for (const { file, failure, parse } of checked) {
      if (failure?.outcome === 'still_being_written' || failure?.outcome === 'invalid_name') {
        if (failure.outcome === 'still_being_written') counts.still_being_written++;
        else counts.invalid++;
        files.push({ path: file.relativePath, plan: failure.outcome, error: failure.message });
        continue;
      }
      if (failure) {
        counts.failed++;
        files.push({
          path: file.relativePath,
          plan: 'failed',
          outcome: failure.outcome,
          error: failure.message,
        });
        continue;
      }
      // Said, not dropped: a plan of 1,000 files for a folder of 1,532 read as the whole folder.
      if (taken++ >= options.maxFiles) {
        counts.deferred++;
        files.push({ path: file.relativePath, plan: 'deferred', error: deferredMessage(options.maxFiles) });
        continue;
      }
      const query = parse.parsed;
      const decision = await matchAgainstRegistry(patients, query, {
        totalPatients: registered + patients.size,
        thresholds: options.thresholds,
      });
      if (decision.decision === 'new') patients.add(query);
      counts[decision.decision]++;
      files.push({
        path: file.relativePath,
        plan: decision.decision,
        expediente: query.expediente,
        confidence: Math.round(decision.confidence * 1000) / 1000,
        reason: decision.reason,
        patient_expediente: decision.patient?.expediente ?? null,
      });
    }
  } catch (error) {
    throw translateDatabaseError(error, database.target);
  } finally {
    await database.close();
  }
  return {
    counts,
    files,
    skippedHidden,
    ...(filesNotMatchingGlob ? { filesNotMatchingGlob, glob: options.glob } : {}),
  };
}

/**
 * The files a run would settle from memory, without reading them: unchanged (path, size, modification time)
 * since a run settled them. A database from before that memory existed (not migrated: a dry run migrates
 * nothing) has none.
 */
async function unchangedSinceSettled(
  database: OpenDatabase,
  sourceDir: string,
  files: DiscoveredFile[],
): Promise<Set<string>> {
  const remembered = await new SettledFileRepository(database.db)
    .lookup(
      sourceDir,
      files.map((file) => file.relativePath),
    )
    .catch(() => new Map<string, SettledFile>());
  return new Set(
    files
      .filter((file) => {
        const memory = remembered.get(file.relativePath);
        return (
          memory !== undefined &&
          !file.outsideSource &&
          memory.size === file.size &&
          memory.mtimeMs === file.mtimeMs
        );
      })
      .map((file) => file.relativePath),
  );
}
