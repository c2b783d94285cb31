/**
 * Prints how long `matchPatient` takes per call, on candidate lists as the repository would return them.
 * Not a test (timings do not belong in assertions): `npx tsx test/core/matching/support/measure-match-speed.ts`.
 * CPU time is reported next to wall time because the shared machine is often busy.
 */
import { matchPatient } from '../../../../src/core/matching/index.js';
import { InMemoryRegistry } from './in-memory-registry.js';
import { generateLabelledQueries } from './noisy-queries.js';
import { syntheticPatient } from './synthetic-names.js';

const seed = 7;
const size = Number(process.argv[2] ?? 20_000);
const registry = new InMemoryRegistry(
  (function* () {
    for (let i = 0; i < size; i++) yield syntheticPatient(seed, i);
  })(),
);
const prepared = generateLabelledQueries({ seed, registrySize: size, perCategory: 100 }).map(({ query }) => ({
  query,
  candidates: registry.candidatesFor(query),
  frequencies: registry.prefetchedFrequencies(query),
}));
const candidates = prepared.reduce((n, p) => n + p.candidates.length, 0) / prepared.length;

for (let round = 1; round <= 5; round++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const input of prepared) matchPatient(input);
  const wall = (performance.now() - start) / prepared.length;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / prepared.length;
  console.log(
    `round ${round}: ${prepared.length} calls, ${candidates.toFixed(1)} candidates on average — ` +
      `${(wall * 1000).toFixed(0)} µs wall, ${(cpuMs * 1000).toFixed(0)} µs CPU per call`,
  );
}
