// Prints chunking throughput on synthetic Spanish text. Run: npx tsx test/core/chunking/chunk-text.bench.ts
import { chunkText } from '../../../src/core/chunking/chunk-text.js';
import { syntheticSpanishText } from '../../adapters/embedders/synthetic-spanish.js';

const chars = Number(process.argv[2] ?? 2_000_000);
// Paragraph breaks every few sentences, and one long stretch without any, the splitter's worst case.
const text =
  syntheticSpanishText(chars / 2, 5).replace(/\. /g, (m, i: number) => (i % 7 === 0 ? '.\n\n' : m)) +
  ' ' +
  syntheticSpanishText(chars / 2, 6);
for (let r = 0; r < 3; r++) chunkText(text);
const runs = 10;
const started = process.cpuUsage();
let chunks = 0;
for (let r = 0; r < runs; r++) chunks = chunkText(text).length;
const cpu = process.cpuUsage(started);
const seconds = (cpu.user + cpu.system) / 1e6 / runs;
console.log(
  `chunkText 1000/200: ${(text.length / 1e6).toFixed(1)} M chars → ${chunks} chunks in ${(seconds * 1000).toFixed(1)} ms CPU ` +
    `(${Math.round(chunks / seconds).toLocaleString('en')} chunks per CPU-second)`,
);
