import type { MatchThresholds } from './types.js';

/** The hospital service's confidence table: ≥ 0.95 attach, 0.60–0.95 review, < 0.60 new patient. */
export const DEFAULT_THRESHOLDS: Readonly<MatchThresholds> = { auto: 0.95, review: 0.6 };
