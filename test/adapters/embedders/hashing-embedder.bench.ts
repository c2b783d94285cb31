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
  const cpuStarted = process.cpuUsage();
  for (let done = 0; done < count; done += texts.length) await embedder.embed(texts);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // CPU time as well as wall time: on a busy machine the wall-clock rate understates the embedder.
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rounded = Math.ceil(count / texts.length) * texts.length;
  const rate = (s: number) => Math.round(rounded / s).toLocaleString('en');
  console.log(
    `${embedder.id} dim=${dimension}: ${rate(seconds)} chunks/s wall, ${rate(cpuSeconds)} chunks per CPU-second ` +
      `(${rounded} chunks of 1000 chars, one thread)`,
  );
}
