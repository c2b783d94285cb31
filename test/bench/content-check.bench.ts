/**
 * The content section of `npm run bench:matching` (issue 15), also runnable alone:
 * `npx tsx test/bench/content-check.bench.ts [--seed S --patients N --per-category M]`.
 *
 * A generated, labelled set (fixtures/generator/content-cases.ts): a registry with siblings and homonyms,
 * and documents that agree with their filename, were misfiled under another patient, a relative or a
 * homonym, state no identity, carry an expediente typo, or describe a new patient. Each is matched by its
 * filename and cross-checked against its text, purely in memory (no PDFs: the text is what an extractor
 * returns; no database: an in-memory registry answers the look-ups). Prints, with and without
 * `trustContent`: wrong automatic attachments, automatic-attachment recall, review rate; and the time the
 * cross-check adds per document, against ingest's time per file in the README and against pdf-parse's
 * extraction of the sample PDFs timed in the same run (the same machine load). Not a test: it prints figures.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  contentLookupQueries,
  crossCheckContent,
  readContentIdentity,
  type ContentIdentity,
  type ContentLookup,
  type CrossCheckContentResult,
} from '../../src/core/content/index.js';
import { matchPatient } from '../../src/core/matching/index.js';
import type { MatchDecision, NameQuery, PatientRecord } from '../../src/core/matching/types.js';
import {
  CONTENT_CASE_CATEGORIES,
  documentPages,
  planContentCases,
  type ContentCase,
  type ContentCaseCategory,
} from '../../fixtures/generator/index.js';
import { InMemoryRegistry } from '../core/matching/support/in-memory-registry.js';
import { extractText } from '../fixtures/extract-text.js';

/** README (Performance): `ingest --type both` 31.6 files/s, `--extractor pdftotext` 46.4 files/s. */
const INGEST_MS_PER_FILE = { default: 1000 / 31.6, pdftotext: 1000 / 46.4 };
/** README: bench:matching, 2.8 ms per filename against a 1,000,000-patient SQLite registry. */
const README_MATCH_MS = 2.8;
const TARGET_SHARE = 0.02;
/** Documents filed under their own patient: attaching them is right; every other document needs a person. */
const FILED_UNDER_OWNER: readonly ContentCaseCategory[] = [
  'clean',
  'clean_name_variant',
  'ocr_header',
  'no_header',
  'expediente_typo',
  'expediente_typo_far',
];

export interface ContentBenchOptions {
  seed: number;
  patients: number;
  perCategory: number;
  /** Measured by the filename section of the same run: CPU of one registry retrieval + decision in SQLite. */
  dbMatchMsPerFilename?: number;
}

type Outcome = 'auto_correct' | 'auto_wrong' | 'review' | 'new_correct' | 'duplicate';
type Mode = 'filename' | 'checked' | 'trusted';
const MODES: readonly Mode[] = ['filename', 'checked', 'trusted'];

function grade(item: ContentCase, decision: MatchDecision): Outcome {
  const { truth } = item;
  if (decision.decision === 'auto')
    return truth.kind === 'existing' && decision.patient?.id === truth.id ? 'auto_correct' : 'auto_wrong';
  if (decision.decision === 'review') return 'review';
  return truth.kind === 'new' ? 'new_correct' : 'duplicate';
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const pct = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

/** Wall and CPU milliseconds of `run`. */
function timed<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** pdf-parse's extraction of the sample PDFs, in this process and under this load: ingest's largest stage. */
async function extractionReference(): Promise<{
  cpuMsPerFile: number;
  wallMsPerFile: number;
  pages: number;
}> {
  const dir = fileURLToPath(new URL('../../fixtures/', import.meta.url));
  const manifest = JSON.parse(await readFile(`${dir}sample-manifest.json`, 'utf8')) as {
    files: { path: string; pages: number }[];
  };
  const files = await Promise.all(manifest.files.map((f) => readFile(`${dir}sample/${f.path}`)));
  for (const data of files.slice(0, 3)) await extractText(data);
  const rounds = 3;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const data of files) await extractText(data);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const n = rounds * files.length;
  const pages = manifest.files.reduce((sum, f) => sum + f.pages, 0) / files.length;
  return { cpuMsPerFile: (used.user + used.system) / 1000 / n, wallMsPerFile: wallMs / n, pages };
}

interface Tally {
  n: number;
  outcomes: Record<Mode, Record<Outcome, number>>;
  verdicts: Record<'agrees' | 'contradicts' | 'absent' | 'confirmed', number>;
}

const emptyOutcomes = (): Record<Outcome, number> => ({
  auto_correct: 0,
  auto_wrong: 0,
  review: 0,
  new_correct: 0,
  duplicate: 0,
});

export async function runContentBench(
  options: ContentBenchOptions,
): Promise<{ wrongAutos: number; share: number }> {
  const setup = timed(() => {
    const plan = planContentCases({
      seed: options.seed,
      patients: options.patients,
      perCategory: options.perCategory,
    });
    const records: PatientRecord[] = plan.registry.map((p) => ({
      id: p.id,
      expediente: p.expediente,
      apellidoPaterno: p.apellidoPaterno,
      apellidoMaterno: p.apellidoMaterno,
      nombres: p.nombres,
      fechaNacimiento: p.fechaNacimiento,
      sexo: p.sexo,
    }));
    const pages = plan.cases.map((c) =>
      documentPages(c.document, { layout: c.layout, ocrNoise: c.ocrNoise }),
    );
    return { cases: plan.cases, registry: new InMemoryRegistry(records), pages };
  });
  const { cases, registry, pages } = setup.value;
  const frequencies = registry.frequencies();
  const n = cases.length;
  const lookupFor = (queries: NameQuery[]): ContentLookup => {
    const found = new Map<string, PatientRecord>();
    for (const q of queries) for (const p of registry.candidatesFor(q)) found.set(p.id, p);
    return { candidates: [...found.values()], frequencies };
  };

  // The filename's decisions: what ingest has before it reads the text (not part of the cross-check's cost).
  const decisions = cases.map((c) =>
    matchPatient({
      query: c.filename,
      candidates: registry.candidatesFor(c.filename),
      frequencies: registry.prefetchedFrequencies(c.filename),
    }),
  );

  // Timed in phases over every document, as a long ingest runs them (after a warm-up of the JIT), between
  // two timings of pdf-parse's extraction: this shared machine's speed drifts, so compare like with like.
  for (let i = 0; i < Math.min(300, n); i++) readContentIdentity(pages[(i * 7919) % n]!);
  const referenceBefore = await extractionReference();
  const read = timed(() => pages.map((p) => readContentIdentity(p)));
  const identities: ContentIdentity[] = read.value;
  const input = (i: number, trustContent: boolean) => ({
    filename: cases[i]!.filename,
    decision: decisions[i]!,
    identity: identities[i]!,
    trustContent,
  });
  const plan = timed(() => cases.map((_, i) => contentLookupQueries(input(i, false))));
  const queries = plan.value;
  const lookups = timed(() => queries.map((q) => (q.length > 0 ? lookupFor(q) : null)));
  const check = timed(() =>
    cases.map((_, i) => crossCheckContent({ ...input(i, false), lookup: lookups.value[i] })),
  );
  const checked: CrossCheckContentResult[] = check.value;
  // The common case alone: a document that agrees with its filename.
  const clean = cases.flatMap((c, i) => (c.category === 'clean' ? [i] : []));
  const cleanRun = timed(() => {
    for (const i of clean) {
      const identity = readContentIdentity(pages[i]!);
      const cleanInput = {
        filename: cases[i]!.filename,
        decision: decisions[i]!,
        identity,
        trustContent: false,
      };
      const q = contentLookupQueries(cleanInput);
      crossCheckContent({ ...cleanInput, lookup: q.length > 0 ? lookupFor(q) : null });
    }
  });
  const referenceAfter = await extractionReference();
  const reference = {
    cpuMsPerFile: (referenceBefore.cpuMsPerFile + referenceAfter.cpuMsPerFile) / 2,
    wallMsPerFile: (referenceBefore.wallMsPerFile + referenceAfter.wallMsPerFile) / 2,
    pages: referenceBefore.pages,
  };
  const trusted = cases.map((_, i) => {
    const trustedInput = input(i, true);
    const q = contentLookupQueries(trustedInput);
    return {
      lookedUp: q.length > 0,
      result: crossCheckContent({ ...trustedInput, lookup: q.length > 0 ? lookupFor(q) : null }),
    };
  });

  // Grading.
  const tallies = new Map<ContentCaseCategory, Tally>(
    CONTENT_CASE_CATEGORIES.map((category) => [
      category,
      {
        n: 0,
        outcomes: { filename: emptyOutcomes(), checked: emptyOutcomes(), trusted: emptyOutcomes() },
        verdicts: { agrees: 0, contradicts: 0, absent: 0, confirmed: 0 },
      },
    ]),
  );
  const wrong: string[] = [];
  cases.forEach((item, i) => {
    const tally = tallies.get(item.category)!;
    tally.n++;
    tally.verdicts[checked[i]!.verdict]++;
    const results: [Mode, MatchDecision][] = [
      ['filename', decisions[i]!],
      ['checked', checked[i]!.decision],
      ['trusted', trusted[i]!.result.decision],
    ];
    for (const [mode, decision] of results) {
      const outcome = grade(item, decision);
      tally.outcomes[mode][outcome]++;
      if (mode !== 'filename' && outcome === 'auto_wrong' && wrong.length < 20) {
        const f = item.filename;
        const id = identities[i]!;
        wrong.push(
          `${mode} ${item.category} (${item.layout}): filename ${f.expediente} ${f.apellidoPaterno} ${f.apellidoMaterno}, ${f.nombres}` +
            ` → auto ${decision.patient?.expediente} ${decision.reason}; text: ${id.expediente ?? '-'} ${id.name?.written ?? '-'}`,
        );
      }
    }
  });

  // Figures.
  const sum = (mode: Mode, outcome: Outcome) =>
    [...tallies.values()].reduce((total, t) => total + t.outcomes[mode][outcome], 0);
  const existing = cases.filter((c) => c.truth.kind === 'existing').length;
  const own = cases.filter((c) => FILED_UNDER_OWNER.includes(c.category)).length;
  const sumOwn = (mode: Mode, outcome: Outcome) =>
    FILED_UNDER_OWNER.reduce((total, c) => total + tallies.get(c)!.outcomes[mode][outcome], 0);
  console.log('');
  console.log(
    `content cross-check (issue 15): ${fmt(n, 0)} documents (${CONTENT_CASE_CATEGORIES.length} categories × ${fmt(options.perCategory, 0)}), ` +
      `registry of ${fmt(options.patients, 0)} patients in memory, seed ${options.seed}; generated in ${fmt(setup.wallMs / 1000, 1)} s`,
  );
  console.log('');
  console.log(
    'category                    n | filename only | cross-check: agrees/contradicts/absent  wrong   auto review    new | + trustContent: wrong   auto review',
  );
  for (const [category, t] of tallies) {
    const o = t.outcomes;
    const autos = (m: Mode) => o[m].auto_correct + o[m].auto_wrong;
    const verdicts = `${pct(t.verdicts.agrees, t.n)} / ${pct(t.verdicts.contradicts, t.n)} / ${pct(t.verdicts.absent, t.n)}`;
    console.log(
      [
        category.padEnd(22),
        String(t.n).padStart(7),
        ' | wrong',
        String(o.filename.auto_wrong).padStart(6),
        ' | ',
        verdicts.padStart(38),
        String(o.checked.auto_wrong).padStart(7),
        pct(autos('checked'), t.n).padStart(7),
        pct(o.checked.review, t.n).padStart(7),
        pct(o.checked.new_correct + o.checked.duplicate, t.n).padStart(7),
        ' | ',
        String(o.trusted.auto_wrong).padStart(20),
        pct(autos('trusted'), t.n).padStart(7),
        pct(o.trusted.review, t.n).padStart(7),
      ].join(''),
    );
  }
  console.log('');
  const labels: Record<Mode, string> = {
    filename: 'filename only       ',
    checked: 'cross-check         ',
    trusted: 'cross-check + trust ',
  };
  for (const mode of MODES) {
    console.log(
      `${labels[mode]}: wrong automatic attachments ${sum(mode, 'auto_wrong')}; automatic-attachment recall ` +
        `${pct(sumOwn(mode, 'auto_correct'), own)} of the ${fmt(own, 0)} documents filed under their own patient ` +
        `(${pct(sum(mode, 'auto_correct'), existing)} of all ${fmt(existing, 0)} of registry patients); review rate ` +
        `${pct(sum(mode, 'review'), n)} (${pct(sumOwn(mode, 'review'), own)} of those filed under their owner); duplicates ${sum(mode, 'duplicate')}`,
    );
  }

  const perDoc = (ms: number) => (1000 * ms) / n;
  const lookedUp = queries.filter((q) => q.length > 0);
  const lookupShare = lookedUp.length / n;
  const cpuMs = (read.cpuMs + plan.cpuMs + check.cpuMs) / n;
  const cleanCpuMs = cleanRun.cpuMs / Math.max(1, clean.length);
  const dbMs = options.dbMatchMsPerFilename ?? README_MATCH_MS;
  const dbSource = options.dbMatchMsPerFilename === undefined ? 'README' : 'measured above';
  const mixMs = cpuMs + lookupShare * dbMs;
  console.log('');
  console.log(
    `time per document, CPU (wall): read identity ${fmt(perDoc(read.cpuMs), 0)} µs (${fmt(perDoc(read.wallMs), 0)}), ` +
      `plan look-ups ${fmt(perDoc(plan.cpuMs), 0)} µs (${fmt(perDoc(plan.wallMs), 0)}), cross-check ${fmt(perDoc(check.cpuMs), 0)} µs ` +
      `(${fmt(perDoc(check.wallMs), 0)}); in-memory look-ups ${fmt(perDoc(lookups.cpuMs), 0)} µs`,
  );
  console.log(
    `registry look-ups: ${pct(lookedUp.length, n)} of documents (${fmt(lookedUp.reduce((s, q) => s + q.length, 0) / Math.max(1, lookedUp.length), 2)} queries each), ` +
      `${pct(trusted.filter((t) => t.lookedUp).length, n)} with trustContent; none for a document that agrees`,
  );
  console.log(
    `reference, timed before and after: pdf-parse extracts a sample PDF (${fmt(reference.pages, 1)} pages) in ` +
      `${fmt(referenceBefore.cpuMsPerFile, 1)} / ${fmt(referenceAfter.cpuMsPerFile, 1)} ms CPU ` +
      `(${fmt(reference.wallMsPerFile, 1)} ms wall); machine load ${fmt(os.loadavg()[0]!, 2)} on ${os.cpus().length} cores`,
  );
  const line = (label: string, ms: number) =>
    console.log(
      `${label}: ${fmt(ms, 3)} ms = ${pct(ms, INGEST_MS_PER_FILE.default)} of ${fmt(INGEST_MS_PER_FILE.default, 1)} ms per file ` +
        `(README, ingest --type both), ${pct(ms, INGEST_MS_PER_FILE.pdftotext)} of ${fmt(INGEST_MS_PER_FILE.pdftotext, 1)} ms ` +
        `(--extractor pdftotext), ${pct(ms, reference.cpuMsPerFile)} of this run's extraction`,
    );
  line('added per document that agrees (no look-up)', cleanCpuMs);
  line(
    `added per document on this adversarial mix, with ${pct(lookedUp.length, n)} × ${fmt(dbMs, 2)} ms look-ups (${dbSource})`,
    mixMs,
  );
  // Only documents that go to review (or could be confirmed) pay for a look-up; a batch stays under 2 %
  // of ingest while no more than this share of its documents does.
  const breakEven = (TARGET_SHARE * INGEST_MS_PER_FILE.default - cleanCpuMs) / (dbMs + (cpuMs - cleanCpuMs));
  const lookedUpIn = (category: ContentCaseCategory) =>
    pct(
      cases.filter((c, i) => c.category === category && queries[i]!.length > 0).length,
      tallies.get(category)!.n,
    );
  console.log(
    `look-ups by category: ${CONTENT_CASE_CATEGORIES.map((c) => `${c} ${lookedUpIn(c)}`).join(', ')}`,
  );
  console.log(
    `under 2 % of ingest's ${fmt(INGEST_MS_PER_FILE.default, 1)} ms per file while at most ${pct(breakEven, 1)} of a batch's ` +
      `documents need a look-up (documents that go to review, or that trustContent could confirm)`,
  );
  console.log('');
  const pass = (ok: boolean, text: string) => console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
  pass(
    sum('checked', 'auto_wrong') === 0,
    `wrong automatic attachments with the cross-check: ${sum('checked', 'auto_wrong')} (target 0)`,
  );
  pass(
    sum('trusted', 'auto_wrong') === 0,
    `wrong automatic attachments with trustContent: ${sum('trusted', 'auto_wrong')} (target 0)`,
  );
  const share = Math.min(cleanCpuMs / INGEST_MS_PER_FILE.default, cleanCpuMs / reference.cpuMsPerFile);
  pass(
    share < TARGET_SHARE,
    `time a document that agrees adds: ${pct(cleanCpuMs, INGEST_MS_PER_FILE.default)} of ingest's time per file (README), ` +
      `${pct(cleanCpuMs, reference.cpuMsPerFile)} of extraction measured now (target < 2%)`,
  );
  for (const text of wrong) console.log(`  wrong: ${text}`);
  return { wrongAutos: sum('checked', 'auto_wrong') + sum('trusted', 'auto_wrong'), share };
}

// Run alone: the content section without the 1,000,000-patient filename section.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '20261201' },
      patients: { type: 'string', default: '100000' },
      'per-category': { type: 'string', default: '1000' },
    },
  });
  await runContentBench({
    seed: Number(values.seed),
    patients: Number(values.patients),
    perCategory: Number(values['per-category']),
  });
}
