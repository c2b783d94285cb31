// Prints the hashing embedder's throughput on 1,000-character Spanish chunks, on one core.
// Run: npx tsx test/adapters/embedders/hashing-embedder.bench.ts [chunks]
import { createHashingEmbedder } from '../../../src/adapters/embedders/hashing-embedder.js';
import { syntheticSpanishText } from './synthetic-spanish.js';

const count = Number(process.argv[2] ?? 20_000);
const texts = Array.from({ length: 1000 }, (_, i) => syntheticSpanishText(1000, i + 1));

for (const dimension of [384, 512, 1024]) {
  const embedder = createHashingEmbedder({ dimension });
  await embedder.embed(texts); // warm-up, so the JIT has compiled the hot loop
  const started = process.hrtime.bigint();
  for (let done = 0; done < count; done += texts.length) await embedder.embed(texts);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rounded = Math.ceil(count / texts.length) * texts.length;
  console.log(
    `hashing-v1 dim=${dimension}: ${Math.round(rounded / seconds).toLocaleString('en')} chunks/s ` +
      `(${rounded} chunks of 1000 chars in ${seconds.toFixed(2)} s, one core)`,
  );
}
