/**
 * `npm run bench:matching [-- --patients N --queries M --seed S]`: the labelled matching benchmark of
 * issue 3 against a real database. Builds a registry of N synthetic patients (default 1,000,000;
 * realistic Mexican surname frequencies, homonyms, accents in half the rows) through the import path
 * (one PatientRepository.importRegistry into a fresh SQLite file), then matches M labelled filenames (default
 * 10,000) through the path ingest uses: matchAgainstRegistry over indexed blocking keys. A `new`
 * decision creates the patient (insertOrGet), as ingest does, so the later documents of a new patient
 * must find it. Prints per category: n, wrong auto-assigns, duplicates, review / auto / new rates; and
 * import time, matching wall and CPU time, peak RSS, machine load. Not a test: it prints figures.
 *
 * Then the content section (issue 15, content-check.bench.ts): documents whose text agrees with, or
 * contradicts, their filename, cross-checked in memory (`--content-patients`, `--content-per-category`;
 * run it alone with `npx tsx test/bench/content-check.bench.ts`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLDS } from '../../src/core/matching/index.js';
import type { MatchDecision } from '../../src/core/matching/types.js';
import { resolveDatabaseTarget } from '../../src/db/database-url.js';
import { openDatabase } from '../../src/db/open-database.js';
import { PatientRepository, type PatientInput } from '../../src/db/repositories/patient-repository.js';
import { matchAgainstRegistry } from '../../src/db/match-against-registry.js';
import {
  formatFigures,
  gradeDecision,
  summarizeOutcomes,
  type Outcome,
} from '../core/matching/support/evaluate-matching.js';
import {
  generateLabelledQueries,
  LIGHT_NOISE_CATEGORIES,
  NOISE_CATEGORIES,
  type LabelledQuery,
  type NoiseCategory,
  type Truth,
} from '../core/matching/support/noisy-queries.js';
import { createRandom } from '../core/matching/support/seeded-random.js';
import { syntheticPatient } from '../core/matching/support/synthetic-names.js';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20261201' },
    keep: { type: 'boolean' },
    'content-patients': { type: 'string', default: '100000' },
    'content-per-category': { type: 'string', default: '1000' },
  },
});
const registrySize = Number(values.patients);
const queryCount = Number(values.queries);
const seed = Number(values.seed);
const IMPORT_BATCH = 100_000;

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);
const loads: number[] = [os.loadavg()[0]!];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-bench-matching-'));
const database = await openDatabase(resolveDatabaseTarget(path.join(dir, 'registry.db'), { cwd: dir }), {
  sqliteCacheMb: 256,
});
const repository = PatientRepository.forDatabase(database);

// 1. The registry, through the import path: one import, in batches, as `patients import` writes it.
let cpu = process.cpuUsage();
let started = performance.now();
await repository.importRegistry('registry_import', async (registryImport) => {
  for (let start = 0; start < registrySize; start += IMPORT_BATCH) {
    const batch: PatientInput[] = [];
    for (let i = start; i < Math.min(registrySize, start + IMPORT_BATCH); i++) {
      const p = syntheticPatient(seed, i);
      batch.push({
        expediente: p.expediente,
        apellidoPaterno: p.apellidoPaterno,
        apellidoMaterno: p.apellidoMaterno,
        nombres: p.nombres,
        sexo: p.sexo ?? null,
      });
    }
    await registryImport.upsert(batch);
  }
});
const importSeconds = (performance.now() - started) / 1000;
const importCpu = cpuSeconds(cpu);
loads.push(os.loadavg()[0]!);

// 2. Labelled filenames: every category in equal shares, in a shuffled order as a real batch arrives.
const perCategory = Math.ceil(queryCount / NOISE_CATEGORIES.length);
const generated = generateLabelledQueries({ seed, registrySize, perCategory });
const shuffle = createRandom(seed ^ 0x5eed);
for (let i = generated.length - 1; i > 0; i--) {
  const j = shuffle.int(i + 1);
  [generated[i], generated[j]] = [generated[j]!, generated[i]!];
}
const labelled = generated.slice(0, queryCount);

// 3. Matching, through the same function ingest uses; a `new` decision creates the patient.
let totalPatients = await repository.count();
const createdByGroup = new Map<string, string>();
const graded: { category: NoiseCategory; outcome: Outcome }[] = [];
const wrong: string[] = [];
let patientsCreated = 0;
cpu = process.cpuUsage();
started = performance.now();
for (const item of labelled) {
  const decision = await matchAgainstRegistry(repository, item.query, {
    totalPatients,
    thresholds: DEFAULT_THRESHOLDS,
  });
  const truth = truthNow(item);
  const outcome = gradeDecision({ truth }, decision, 'expediente');
  graded.push({ category: item.category, outcome });
  if (outcome === 'auto_wrong') wrong.push(describeFailure(item, decision));
  if (decision.decision === 'new') {
    const { created } = await repository.insertOrGet(
      {
        expediente: item.query.expediente,
        apellidoPaterno: item.query.apellidoPaterno,
        apellidoMaterno: item.query.apellidoMaterno,
        nombres: item.query.nombres,
      },
      'batch_ingest',
    );
    if (created) {
      totalPatients++;
      patientsCreated++;
      if (item.group !== undefined && !createdByGroup.has(item.group))
        createdByGroup.set(item.group, item.query.expediente);
    }
  }
}
const matchSeconds = (performance.now() - started) / 1000;
const matchCpu = cpuSeconds(cpu);
loads.push(os.loadavg()[0]!);
await database.close();

/** A later document of a new patient belongs to the patient its first document created. */
function truthNow(item: LabelledQuery): Truth {
  const created = item.group === undefined ? undefined : createdByGroup.get(item.group);
  return created === undefined ? item.truth : { kind: 'existing', patientId: '', expediente: created };
}

function describeFailure(item: LabelledQuery, decision: MatchDecision): string {
  const to = decision.patient;
  const name = to ? `${to.apellidoPaterno} ${to.apellidoMaterno}, ${to.nombres}` : '?';
  return `${item.category}: ${item.note} → auto to ${to?.expediente ?? '?'} (${name}) ${decision.reason}`;
}

// 4. Figures.
const figures = summarizeOutcomes(graded).sort(
  (a, b) => NOISE_CATEGORIES.indexOf(a.category) - NOISE_CATEGORIES.indexOf(b.category),
);
const sum = (pick: (o: Outcome) => boolean, categories: readonly string[]) =>
  graded.filter((g) => categories.includes(g.category) && pick(g.outcome)).length;
const light = LIGHT_NOISE_CATEGORIES as readonly string[];
const lightTotal = sum(() => true, light);
const lightAuto = sum((o) => o === 'auto_correct', light);
const trueMatchCategories = [...light, 'expediente_typo'];
const trueMatches = sum(() => true, trueMatchCategories);
const duplicates = graded.filter((g) => g.outcome === 'duplicate').length;
const wrongAutos = graded.filter((g) => g.outcome === 'auto_wrong').length;
const reviews = graded.filter((g) => g.outcome === 'review').length;
const rssMiB = process.resourceUsage().maxRSS / 1024;
const dbMiB = fs.statSync(path.join(dir, 'registry.db')).size / 2 ** 20;

console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
console.log(
  `load average (1 min): ${loads.map((l) => fmt(l, 2)).join(' → ')} (start → after import → after matching)`,
);
console.log(`registry: ${fmt(registrySize, 0)} patients (seed ${seed}), SQLite ${fmt(dbMiB)} MiB`);
console.log(
  `import: ${fmt(importSeconds)} s wall, ${fmt(importCpu)} s CPU (${fmt(registrySize / importSeconds, 0)} patients/s, one importRegistry in batches of ${fmt(IMPORT_BATCH, 0)})`,
);
console.log('');
console.log(formatFigures(figures));
console.log('');
console.log(
  `matching: ${fmt(labelled.length, 0)} filenames in ${fmt(matchSeconds, 2)} s wall, ${fmt(matchCpu, 2)} s CPU ` +
    `(${fmt(labelled.length / matchSeconds, 0)} filenames/s, ${fmt((1000 * matchSeconds) / labelled.length, 2)} ms each); ` +
    `${patientsCreated} patients created`,
);
console.log(`peak RSS: ${fmt(rssMiB)} MiB`);
console.log('');
const check = (ok: boolean, text: string) => console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
check(wrongAutos === 0, `wrong auto-assigns: ${wrongAutos} (target 0)`);
check(
  lightAuto / lightTotal >= 0.9,
  `light-noise true matches auto-assigned: ${pct(lightAuto, lightTotal)} (target ≥ 90%)`,
);
check(
  duplicates <= 0.01 * trueMatches,
  `duplicates created: ${duplicates} = ${pct(duplicates, trueMatches)} of ${trueMatches} true matches (target ≤ 1%)`,
);
console.log(`      review rate overall: ${pct(reviews, graded.length)}`);
check(
  matchSeconds < (60 * labelled.length) / 10_000,
  `speed: ${fmt(labelled.length, 0)} filenames in ${fmt(matchSeconds, 2)} s (target 10,000 in < 60 s)`,
);
check(rssMiB < 1024, `peak memory: ${fmt(rssMiB)} MiB (target < 1 GiB)`);
for (const line of wrong.slice(0, 20)) console.log(`  wrong: ${line}`);
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else console.log(`kept: ${dir}`);

// Loaded only now, so the filename section's peak memory is its own.
const { runContentBench } = await import('./content-check.bench.js');
await runContentBench({
  seed,
  patients: Number(values['content-patients']),
  perCategory: Number(values['content-per-category']),
  dbMatchMsPerFilename: (1000 * matchCpu) / labelled.length,
});
