import type { VectorQueryResult } from './types.js';

/**
 * The `k` nearest of several queries' answers, nearest first, each record once: the top k of a union is within
 * the union of each part's top k, so a set too large for one query (or two filters no store can join with OR)
 * is searched part by part.
 */
export function nearestOf(answers: VectorQueryResult[][], k: number): VectorQueryResult[] {
  const byId = new Map<string, VectorQueryResult>();
  for (const hit of answers.flat()) if (!byId.has(hit.id)) byId.set(hit.id, hit);
  return [...byId.values()].sort((a, b) => a.distance - b.distance).slice(0, k);
}
