// Prints the embedded store's write and query rates on a temp file, with hashing-embedder vectors.
// Run: npx tsx test/adapters/vector-stores/sqlite-vec-store.bench.ts [chunks]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Database from 'better-sqlite3';

import { createHashingEmbedder } from '../../../src/adapters/embedders/hashing-embedder.js';
import { createSqliteVecStore } from '../../../src/adapters/vector-stores/sqlite-vec/sqlite-vec-store.js';
import { syntheticSpanishText } from '../embedders/synthetic-spanish.js';
import { writeRecords } from './store-factories.js';

const count = Number(process.argv[2] ?? 20_000);
const batchSize = 256;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tecsalud-vec-bench-'));
const db = new Database(path.join(dir, 'bench.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
try {
  const embedder = createHashingEmbedder();
  const store = createSqliteVecStore({ database: db });
  await store.ensureCollection({ embedderId: embedder.id, dimension: embedder.dimension });
  const texts = Array.from({ length: 500 }, (_, i) => syntheticSpanishText(1000, i + 1));
  const vectors = await embedder.embed(texts);

  let started = performance.now();
  for (let i = 0; i < count; i += batchSize) {
    const records = [];
    for (let j = i; j < Math.min(i + batchSize, count); j++) {
      records.push({
        id: `doc-${Math.floor(j / 5)}_chunk_${j % 5}`,
        embedding: vectors[j % vectors.length] ?? new Float32Array(embedder.dimension),
        document: texts[j % texts.length] ?? '',
        metadata: {
          document_id: `doc-${Math.floor(j / 5)}`,
          expediente: String(1_000_000_000 + Math.floor(j / 20)),
          document_type: 'consultation',
          chunk_index: j % 5,
          total_chunks: 5,
        },
      });
    }
    await writeRecords(store, records);
  }
  let seconds = (performance.now() - started) / 1000;
  console.log(
    `upsert: ${Math.round(count / seconds).toLocaleString('en')} chunks/s (${count} chunks, batches of ${batchSize}, dim ${embedder.dimension})`,
  );

  const [query] = await embedder.embed(['litiasis vesicular sin engrosamiento de la pared']);
  for (const where of [{}, { expediente: '1000000007' }]) {
    const runs = 20;
    started = performance.now();
    for (let r = 0; r < runs; r++) await store.query(query ?? new Float32Array(), { k: 10, where });
    seconds = (performance.now() - started) / 1000;
    console.log(
      `query k=10 ${JSON.stringify(where)}: ${((seconds / runs) * 1000).toFixed(1)} ms over ${count} chunks`,
    );
  }
  started = performance.now();
  for (let d = 0; d < 200; d++) await store.deleteDocument(`doc-${d}`);
  console.log(`deleteDocument: ${((performance.now() - started) / 200).toFixed(2)} ms per 5-chunk document`);
} finally {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
