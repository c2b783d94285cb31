import { beforeAll, describe, expect, it } from 'vitest';
import { matchPatient } from '../../../src/core/matching/index.js';
import type { MatchDecision } from '../../../src/core/matching/types.js';
import {
  formatFigures,
  gradeDecision,
  summarizeOutcomes,
  type CategoryFigures,
  type Outcome,
} from './support/evaluate-matching.js';
import { InMemoryRegistry } from './support/in-memory-registry.js';
import {
  generateLabelledQueries,
  LIGHT_NOISE_CATEGORIES,
  type LabelledQuery,
} from './support/noisy-queries.js';
import { syntheticPatient } from './support/synthetic-names.js';

/**
 * The labelled benchmark in miniature: a 20,000-patient synthetic registry (realistic surname
 * frequencies, homonyms, accents in half the rows) and filenames with each kind of noise from issue 3.
 * Retrieval is the in-memory twin of the database's (blocking keys, near expedientes, per-key cap), and
 * the matcher sees only the query's own frequency keys, as it will in production.
 */
const SEED = 20_240_611;
const REGISTRY_SIZE = 20_000;
const PER_CATEGORY = 150;

interface Run {
  labelled: LabelledQuery;
  decision: MatchDecision;
  outcome: Outcome;
}

let runs: Run[] = [];
let figures: CategoryFigures[] = [];

beforeAll(() => {
  const registry = new InMemoryRegistry(
    (function* () {
      for (let i = 0; i < REGISTRY_SIZE; i++) yield syntheticPatient(SEED, i);
    })(),
  );
  const queries = generateLabelledQueries({
    seed: SEED,
    registrySize: REGISTRY_SIZE,
    perCategory: PER_CATEGORY,
  });
  runs = queries.map((labelled) => {
    const decision = matchPatient({
      query: labelled.query,
      candidates: registry.candidatesFor(labelled.query),
      frequencies: registry.prefetchedFrequencies(labelled.query),
    });
    return { labelled, decision, outcome: gradeDecision(labelled, decision) };
  });
  figures = summarizeOutcomes(runs.map((r) => ({ category: r.labelled.category, outcome: r.outcome })));
  console.log(
    `\nLabelled matching cases (${REGISTRY_SIZE} patients, seed ${SEED})\n${formatFigures(figures)}\n`,
  );
}, 120_000);

function failures(predicate: (run: Run) => boolean): string[] {
  return runs
    .filter(predicate)
    .map((r) => `${r.labelled.category}: ${r.labelled.note} → ${r.decision.decision} ${r.decision.reason}`);
}

describe('labelled matching cases', () => {
  it('never auto-assigns a document to the wrong patient', () => {
    expect(failures((r) => r.outcome === 'auto_wrong')).toEqual([]);
  });

  it.each(LIGHT_NOISE_CATEGORIES)('auto-assigns at least 90%% of true matches with %s noise', (category) => {
    const row = figures.find((f) => f.category === category)!;
    expect(row.total).toBe(PER_CATEGORY);
    expect(row.autoCorrect / row.total).toBeGreaterThanOrEqual(0.9);
  });

  it('auto-assigns at least 95% of all lightly noisy true matches', () => {
    const light = figures.filter((f) => (LIGHT_NOISE_CATEGORIES as readonly string[]).includes(f.category));
    const total = light.reduce((n, f) => n + f.total, 0);
    const auto = light.reduce((n, f) => n + f.autoCorrect, 0);
    expect(auto / total).toBeGreaterThanOrEqual(0.95);
  });

  it('creates duplicates for at most 1% of true matches', () => {
    const trueMatches = runs.filter((r) => r.labelled.truth.kind === 'existing');
    const duplicates = trueMatches.filter((r) => r.outcome === 'duplicate');
    expect(duplicates.length / trueMatches.length).toBeLessThanOrEqual(0.01);
  });

  it('sends every expediente typo to review', () => {
    expect(
      failures((r) => r.labelled.category === 'expediente_typo' && r.decision.decision !== 'review'),
    ).toEqual([]);
  });

  it('sends every mislabelled file to review', () => {
    expect(
      failures((r) => r.labelled.category === 'mislabelled' && r.decision.decision !== 'review'),
    ).toEqual([]);
  });

  it('creates most brand-new patients without bothering a reviewer', () => {
    const row = figures.find((f) => f.category === 'brand_new')!;
    expect(row.newCorrect / row.total).toBeGreaterThanOrEqual(0.9);
  });

  it('decides the same way for every document of one new patient', () => {
    const byGroup = new Map<string, Set<string>>();
    for (const r of runs) {
      if (r.labelled.group === undefined) continue;
      const seen = byGroup.get(r.labelled.group) ?? new Set<string>();
      seen.add(`${r.decision.decision}/${r.decision.reason}/${r.decision.patient?.id ?? ''}`);
      byGroup.set(r.labelled.group, seen);
    }
    expect(byGroup.size).toBe(PER_CATEGORY);
    for (const decisions of byGroup.values()) expect(decisions.size).toBe(1);
  });

  it('never answers `new` when the expediente is in the registry', () => {
    expect(failures((r) => r.decision.decision === 'new' && r.decision.matchingDetails.id_match)).toEqual([]);
  });
});
