import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRegistry } from '../../src/app/import-registry.js';
import { ingest, type IngestCommandOptions } from '../../src/commands/ingest.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../src/db/open-database.js';
import { commandContext } from './command-context.js';
import { createInProcessExtractor } from './in-process-extractor.js';

/** The stand-in every in-process ingest of a test file shares (see in-process-extractor). */
export const inProcessExtractor = createInProcessExtractor();
import { captureIo, createTempDir } from './databases.js';
import { copyDelivered } from './delivered-files.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = path.join(REPO_ROOT, 'fixtures');
export const SAMPLE_DIR = path.join(FIXTURES, 'sample');
export const REGISTRY_CSV = path.join(FIXTURES, 'registry.csv');

export interface Workspace {
  root: string;
  dropDir: string;
  db: string;
  cleanup(): void;
}

/** A temp folder with a copy of the sample drop folder and an empty registry database. */
export function createWorkspace(options: { copySample?: boolean } = {}): Workspace {
  const root = createTempDir('tecsalud-ingest-');
  const dropDir = path.join(root, 'drop');
  fs.mkdirSync(dropDir);
  if (options.copySample !== false) copyDelivered(SAMPLE_DIR, dropDir);
  return {
    root,
    dropDir,
    db: path.join(root, 'registry.db'),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

export async function importSampleRegistry(workspace: Workspace): Promise<void> {
  await importRegistry({ file: REGISTRY_CSV, db: workspace.db, cwd: workspace.root });
}

export interface JsonFile {
  path: string;
  filename: string;
  outcome: string;
  processing_status: string;
  chunks: number | null;
  document_id: string | null;
  error: string | null;
  move_error?: string | null;
  match: { decision: string; status: string; reason: string; patient_expediente: string | null } | null;
}

export interface JsonReport {
  session_id: string;
  status: string;
  total_files: number;
  processed_files: number;
  failed_files: number;
  created_patients: number;
  matched_patients: number;
  review_required: number;
  duplicates: number;
  processing_time: number;
  files: JsonFile[];
}

/**
 * Runs `ingest --json --non-interactive` in-process and returns the parsed report and the exit code. Text
 * comes from the in-process stand-in for the extraction pool unless `extractor: 'configured'` (the tests that
 * are about extraction, or choose an extractor with --extractor).
 */
export async function ingestJson(
  workspace: Workspace,
  extra: IngestCommandOptions & { signal?: AbortSignal } = {},
  run: { extractor?: 'in-process' | 'configured' } = {},
): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const { io, stdout, stderr } = captureIo();
  const { signal, ...flags } = extra;
  const extractor = run.extractor === 'configured' ? undefined : inProcessExtractor;
  const context = await commandContext({ cwd: workspace.root, db: workspace.db, io, signal, extractor });
  const code = await ingest(
    workspace.dropDir,
    { json: true, nonInteractive: true, user: 'test-admin', ...flags },
    context,
  );
  return { code, report: JSON.parse(stdout()) as JsonReport, stderr: stderr() };
}

export async function openWorkspaceDb(workspace: Workspace): Promise<OpenDatabase> {
  return openDatabase(resolveDatabaseTarget(workspace.db, { cwd: workspace.root }));
}

export function byFilename(report: JsonReport): Map<string, JsonFile> {
  return new Map(report.files.map((f) => [f.filename, f]));
}
