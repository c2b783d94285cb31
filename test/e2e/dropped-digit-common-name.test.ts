import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import {
  importedRegistry,
  matchDecisions,
  writeUnnamedNotes,
  type RegistryWorkspace,
} from '../support/registry-workspace.js';

/**
 * A filename whose expediente lost or gained a digit (300003799 or 30000037995 for 3000003799), under a name
 * so common that every blocking key of GARZA TIJERINA, MARIA ESTHER is shared by more patients than the
 * repository reads (200): only the expediente can bring the registered patient. The repository fetched
 * changed and swapped digits but not dropped or added ones, so the file became a new patient — a second
 * person under a mistyped number. It must be held for review with the registered patient as candidate, as a
 * changed digit is.
 */
const THIRD_NAMES = [
  ...['ADRIANA', 'BEATRIZ', 'CARMEN', 'DIANA', 'ELENA', 'FLOR', 'GABRIELA', 'GLORIA', 'HORTENSIA'],
  ...['INES', 'IRMA', 'JOSEFINA', 'LUISA', 'MANUELA', 'MARTA', 'MIRNA', 'OLGA', 'PATRICIA'],
  ...['RAQUEL', 'ROSA', 'SARA', 'SOFIA', 'TERESA', 'VICTORIA'],
];
const NAMESAKES = Array.from({ length: 216 }, (_, i) => ({
  expediente: String(5200000000 + 37 * i),
  nombres: `MARIA ESTHER ${THIRD_NAMES[i % THIRD_NAMES.length]!}`,
  born: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
}));

const REGISTRY = [
  'expediente,apellido_paterno,apellido_materno,nombres,fecha_nacimiento,sexo',
  ...NAMESAKES.map((p) => `${p.expediente},GARZA,TIJERINA,${p.nombres},${p.born},F`),
  '3000003799,GARZA,TIJERINA,MARIA ESTHER,1980-02-02,F',
];

const DROPPED = '300003799_GARZA TIJERINA, MARIA ESTHER_CONS.pdf';
const ADDED = '30000037995_GARZA TIJERINA, MARIA ESTHER_LAB.pdf';
const CHANGED = '3000003798_GARZA TIJERINA, MARIA ESTHER_CONS.pdf';
const FILES = [DROPPED, ADDED, CHANGED];

interface MatchJson {
  filename: string;
  decision: string;
  reason: string;
  patient: { expediente: string } | null;
  candidates: Array<{ reasons: string[] }>;
}

interface DryRunJson {
  files: Array<{ path: string; plan: string; patient_expediente: string | null }>;
}

interface ReviewJson {
  pending: Array<{ filename: string; reason: string; suggestions: Array<{ expediente: string }> }>;
}

describe('an expediente with a digit dropped or added, under a very common name', { tags: ['slow'] }, () => {
  let workspace: RegistryWorkspace;

  beforeAll(async () => {
    workspace = await importedRegistry('tecsalud-dropped-digit-', REGISTRY);
    await writeUnnamedNotes(path.join(workspace.cwd, 'drop'), FILES);
  }, 60_000);

  afterAll(() => fs.rmSync(workspace.cwd, { recursive: true, force: true }));

  it('match --json holds it for review with the registered patient, as a changed digit', async () => {
    const results = await matchDecisions<MatchJson>(workspace, FILES);
    expect(results.map((r) => [r.filename, r.decision, r.reason, r.patient?.expediente])).toEqual(
      FILES.map((filename) => [filename, 'review', 'expediente_typo', '3000003799']),
    );
    for (const result of results) {
      expect(result.candidates[0]?.reasons).toContain(
        "expediente one keystroke from the filename's (3000003799)",
      );
    }
  });

  it('ingest --dry-run plans a review, and ingest creates no patient and lists the candidate in review --json', async () => {
    const dryRun = await runCli(['ingest', 'drop', '--dry-run', '--json', '--non-interactive'], workspace);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    const planned = (JSON.parse(dryRun.stdout) as DryRunJson).files;
    expect(
      FILES.map((filename) => planned.find((f) => f.path === filename)).map((f) => [
        f?.plan,
        f?.patient_expediente,
      ]),
    ).toEqual(FILES.map(() => ['review', '3000003799']));

    const ingested = await runCli(['ingest', 'drop', '--non-interactive', '--json'], workspace);
    expect(ingested.code, ingested.stderr).toBe(2); // files wait for review
    for (const slipped of ['300003799', '30000037995']) {
      const shown = await runCli(['patients', 'show', slipped], workspace);
      expect(shown.stderr).toContain(`no patient with expediente '${slipped}'`);
    }
    const review = await runCli(['review', '--json'], workspace);
    expect(review.code, review.stderr).toBe(2); // files wait for review
    const pending = (JSON.parse(review.stdout) as ReviewJson).pending;
    expect(
      FILES.map((filename) => pending.find((p) => p.filename === filename)).map((p) => [
        p?.reason,
        p?.suggestions.map((s) => s.expediente),
      ]),
    ).toEqual(FILES.map(() => ['expediente_typo', ['3000003799']]));
  }, 60_000);
});
