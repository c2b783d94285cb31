import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { runCli } from './cli-binary.js';
import { makeTextPdf } from '../../fixtures/generator/pdf.js';
import { createTempDir } from './databases.js';

export interface RegistryWorkspace {
  /** The folder the CLI runs in: registry.csv, registry.db, and what the test adds. */
  cwd: string;
  env: { TECSALUD_DB: string };
}

/**
 * A temporary folder with a SQLite registry of its own, imported from `csvLines` (a header, then rows) by the
 * built CLI's `patients import`, as a records team sets one up.
 */
export async function importedRegistry(
  prefix: string,
  csvLines: readonly string[],
): Promise<RegistryWorkspace> {
  const cwd = createTempDir(prefix);
  fs.writeFileSync(path.join(cwd, 'registry.csv'), csvLines.join('\n') + '\n');
  const env = { TECSALUD_DB: path.join(cwd, 'registry.db') };
  const imported = await runCli(['patients', 'import', 'registry.csv'], { cwd, env });
  expect(imported.code, imported.stderr).toBe(0);
  return { cwd, env };
}

/** `match FILENAME… --json` against the workspace's registry: one decision per filename, in order. */
export async function matchDecisions<T>(
  workspace: RegistryWorkspace,
  filenames: readonly string[],
): Promise<T[]> {
  const run = await runCli(['match', ...filenames, '--json'], workspace);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T[];
}

/**
 * One small PDF per filename in `drop` (created), each text its own (numbered from `firstNote`: two calls for one
 * run give different ones), so that no two files are one content, and
 * naming nobody, so that only the filename decides the patient.
 */
export async function writeUnnamedNotes(
  drop: string,
  filenames: readonly string[],
  { firstNote = 0 }: { firstNote?: number } = {},
): Promise<void> {
  fs.mkdirSync(drop, { recursive: true });
  for (const [position, filename] of filenames.entries()) {
    const index = firstNote + position;
    const text = `NOTA MEDICA ${index}\n\nPaciente estable (${index}).`;
    fs.writeFileSync(
      path.join(drop, filename),
      await makeTextPdf([text], { title: 'NOTA', date: '2026-11-02' }),
    );
  }
}
