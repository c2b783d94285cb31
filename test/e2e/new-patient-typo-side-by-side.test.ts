import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

// Four files of one patient new to the registry, one of them with a typo in the given names (ERNESTO DAIVD) and a
// text naming ERNESTO DAVID. One at a time, the first file creates the patient and the typo attaches to it
// (0.975). Side by side, the typo was matched `new` before the patient existed and its text checked after: "the
// filename describes a new patient, the document names registry patient 3000791146", held for review — the
// outcome depended on --concurrency.
const EXPEDIENTE = '3000791146';

let dir: string;
beforeEach(() => {
  dir = createTempDir('tecsalud-typo-side-by-side-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

interface FileReport {
  filename: string;
  outcome: string;
  match: { patient_expediente: string | null } | null;
}

async function ingestWith(concurrency: number, round: number): Promise<FileReport[]> {
  const cwd = path.join(dir, `run-${concurrency}-${round}`);
  const drop = path.join(cwd, 'drop');
  fs.mkdirSync(drop, { recursive: true });
  for (const name of fs.readdirSync(SAMPLE_DIR).filter((n) => n.startsWith(`${EXPEDIENTE}_`)))
    fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(drop, name));
  const run = await runCli(
    ['ingest', 'drop', '--db', 'r.db', '--non-interactive', '--json', '--concurrency', String(concurrency)],
    { cwd },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { files: FileReport[] }).files;
}

describe('a new patient named with a typo by one of its files', { tags: ['slow'] }, () => {
  it('ends the same side by side as one at a time: every file attached to the one patient', async () => {
    const outcomes = (files: FileReport[]) =>
      files.map((f) => [f.filename, f.outcome, f.match?.patient_expediente ?? null]).sort();
    const oneAtATime = await ingestWith(1, 0);
    expect(oneAtATime).toHaveLength(4);
    expect(oneAtATime.every((f) => f.outcome === 'ingested')).toBe(true);
    for (let round = 0; round < 3; round++) {
      expect(outcomes(await ingestWith(4, round))).toEqual(outcomes(oneAtATime));
    }
  });
});
