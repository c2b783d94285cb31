import type { MatchDecision } from '../../../../src/core/matching/types.js';
import type { LabelledQuery, NoiseCategory } from './noisy-queries.js';

export type Outcome = 'auto_correct' | 'auto_wrong' | 'review' | 'new_correct' | 'duplicate';

/** Grades one decision against the truth: an auto-assign to anyone but the owner is wrong; `new` for an existing patient is a duplicate. */
export function gradeDecision(
  labelled: Pick<LabelledQuery, 'truth'>,
  decision: MatchDecision,
  identify: 'id' | 'expediente' = 'id',
): Outcome {
  const { truth } = labelled;
  if (decision.decision === 'auto') {
    const right =
      truth.kind === 'existing' &&
      (identify === 'id'
        ? decision.patient?.id === truth.patientId
        : decision.patient?.expediente === truth.expediente);
    return right ? 'auto_correct' : 'auto_wrong';
  }
  if (decision.decision === 'review') return 'review';
  return truth.kind === 'existing' ? 'duplicate' : 'new_correct';
}

export interface CategoryFigures {
  category: NoiseCategory;
  total: number;
  autoCorrect: number;
  autoWrong: number;
  review: number;
  newCorrect: number;
  duplicates: number;
}

export function summarizeOutcomes(
  graded: ReadonlyArray<{ category: NoiseCategory; outcome: Outcome }>,
): CategoryFigures[] {
  const byCategory = new Map<NoiseCategory, CategoryFigures>();
  for (const { category, outcome } of graded) {
    let figures = byCategory.get(category);
    if (figures === undefined) {
      figures = { category, total: 0, autoCorrect: 0, autoWrong: 0, review: 0, newCorrect: 0, duplicates: 0 };
      byCategory.set(category, figures);
    }
    figures.total++;
    if (outcome === 'auto_correct') figures.autoCorrect++;
    else if (outcome === 'auto_wrong') figures.autoWrong++;
    else if (outcome === 'review') figures.review++;
    else if (outcome === 'new_correct') figures.newCorrect++;
    else figures.duplicates++;
  }
  return [...byCategory.values()];
}

const percent = (part: number, whole: number) =>
  whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;

/** A fixed-width table: wrong auto-assigns, duplicates, review rate, auto rate per category. */
export function formatFigures(figures: readonly CategoryFigures[]): string {
  const header = 'category                        n   wrong-auto  duplicates  review   auto     new';
  const rows = figures.map((f) =>
    [
      f.category.padEnd(28),
      String(f.total).padStart(5),
      String(f.autoWrong).padStart(11),
      String(f.duplicates).padStart(11),
      percent(f.review, f.total).padStart(8),
      percent(f.autoCorrect + f.autoWrong, f.total).padStart(8),
      percent(f.newCorrect + f.duplicates, f.total).padStart(8),
    ].join(''),
  );
  return [header, ...rows].join('\n');
}
