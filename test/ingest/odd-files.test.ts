import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPipelineAdapters } from '../../src/app/open-backends.js';
import { resolveIngestOptions } from '../../src/commands/ingest-options.js';
import { defaultBackends } from '../support/command-context.js';
import { runIngest } from '../../src/ingest/run-ingest.js';
import {
  FIXTURES,
  createWorkspace,
  importSampleRegistry,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';

let workspace: Workspace;
beforeEach(async () => {
  workspace = createWorkspace();
  await importSampleRegistry(workspace);
});
afterEach(() => workspace.cleanup());

const VALID = '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf';

describe('odd files: each recorded with a clear reason, none stops the batch', { tags: ['slow'] }, () => {
  it('handles control characters, very long and NFD names, a huge file, and a file that vanishes mid-run', async () => {
    const drop = workspace.dropDir;
    const source = path.join(drop, VALID);
    const encrypted = '3000768077_HUERTA SOTO, GABRIELA_9100000001_CONS.pdf';
    fs.copyFileSync(path.join(FIXTURES, 'problem-pdfs', 'encrypted.pdf'), path.join(drop, encrypted));
    // NFD accents (as macOS writes them): parsed like NFC, and ingested.
    const nfdName = `3000016374_RÍOS CORONADO, CÉSAR_9100000002_CONS.pdf`.normalize('NFD');
    // César's own document (its text names him: the content cross-check would hold anyone else's).
    const cesar = path.join(drop, '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf');
    const nfdPdf = Buffer.concat([fs.readFileSync(cesar), Buffer.from('\n% a different tail\n')]);
    fs.writeFileSync(path.join(drop, nfdName), nfdPdf);
    // Control characters and an escape sequence in the name.
    const hostile = `3000768077_HUERTA\x1b[31m SOTO\x07, GABRIELA_9100000003_LAB.pdf`;
    fs.copyFileSync(source, path.join(drop, hostile));
    // A very long name (the file-system allows 255 bytes).
    const long = `3000768077_HUERTA SOTO, ${'GABRIELA '.repeat(23).trim()}_9100000004_LAB.pdf`;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255);
    fs.copyFileSync(path.join(FIXTURES, 'problem-pdfs', 'truncated.pdf'), path.join(drop, long));
    // Cut short an hour ago (a moment ago it would be a copy under way, left for the next run).
    const anHourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(drop, long), anHourAgo, anHourAgo);
    // Huge: a sparse 11 MB file, over the 10 MB default, never read into memory.
    const huge = '3000768077_HUERTA SOTO, GABRIELA_9100000005_IMG.pdf';
    fs.writeFileSync(path.join(drop, huge), '%PDF-1.7\n');
    fs.truncateSync(path.join(drop, huge), 11 * 1024 * 1024);
    // Vanishes between discovery and reading.
    const vanishing = '3000768077_HUERTA SOTO, GABRIELA_9100000006_LAB.pdf';
    fs.copyFileSync(source, path.join(drop, vanishing));

    const options = resolveIngestOptions({ dir: drop, cwd: workspace.root, user: 'test', concurrency: '1' });
    const database = await openWorkspaceDb(workspace);
    try {
      const backends = await defaultBackends();
      const adapters = await openPipelineAdapters({
        database,
        processingType: options.processingType,
        backends,
      });
      const result = await runIngest(
        options,
        { database, ...adapters },
        (event) => {
          if (event.type === 'session_started') fs.rmSync(path.join(drop, vanishing));
        },
        { collectResults: true },
      ).finally(() => adapters.close());
      const byName = new Map(result.files.map((f) => [f.filename, f]));
      expect(result.files).toHaveLength(23 + 6);
      expect(byName.get(encrypted)!.outcome).toBe('encrypted');
      expect(byName.get(nfdName)!.outcome).toBe('ingested');
      const hostileResult = byName.get(hostile)!;
      expect(hostileResult.outcome).toBe('invalid_name');
      expect(hostileResult.message).toMatch(/U\+001B/);
      expect(byName.get(long)!.outcome).toBe('corrupt');
      expect(byName.get(huge)!.outcome).toBe('too_large');
      expect(byName.get(huge)!.message).toMatch(/11\.0 MB, over the limit of 10\.0 MB/);
      expect(byName.get(vanishing)!.outcome).toBe('unreadable');
      expect(byName.get(vanishing)!.message).toMatch(/disappeared/);
      // Every file has a final, recorded state.
      const rows = await database.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('batchId', '=', result.session.id)
        .execute();
      expect(rows).toHaveLength(29);
      expect(rows.every((r) => r.outcome !== null && r.processingStatus !== 'processing')).toBe(true);
      expect(result.files.filter((f) => f.outcome === 'ingested')).toHaveLength(19);
    } finally {
      await database.close();
    }
  });

  // Small files are read with blocking calls, larger ones asynchronously (see file-processor.ts): the two
  // reads end the same ways.
  it('ingests a file too large for the blocking read, and refuses one grown past --max-file-size after it was found', async () => {
    const folder = path.join(workspace.dropDir, 'sizes');
    fs.mkdirSync(folder);
    const own = fs.readFileSync(path.join(workspace.dropDir, VALID));
    // Over 1 MiB: the document with a long comment after its end.
    const large = '3000768077_HUERTA SOTO, GABRIELA_9100000007_LAB.pdf';
    fs.writeFileSync(
      path.join(folder, large),
      Buffer.concat([own, Buffer.from(`\n%${'x'.repeat(1536 * 1024)}\n`)]),
    );
    // Small when the folder is listed, over the 10 MB default when its turn comes: never read into memory.
    const grown = '3000768077_HUERTA SOTO, GABRIELA_9100000008_LAB.pdf';
    fs.writeFileSync(path.join(folder, grown), own);

    const options = resolveIngestOptions({
      dir: folder,
      cwd: workspace.root,
      user: 'test',
      concurrency: '1',
    });
    const database = await openWorkspaceDb(workspace);
    try {
      const backends = await defaultBackends();
      const adapters = await openPipelineAdapters({
        database,
        processingType: options.processingType,
        backends,
      });
      const result = await runIngest(
        options,
        { database, ...adapters },
        (event) => {
          if (event.type === 'session_started') fs.truncateSync(path.join(folder, grown), 11 * 1024 * 1024);
        },
        { collectResults: true },
      ).finally(() => adapters.close());
      const byName = new Map(result.files.map((f) => [f.filename, f]));
      expect(byName.get(large)!.outcome).toBe('ingested');
      expect(byName.get(grown)!.outcome).toBe('too_large');
      expect(byName.get(grown)!.message).toMatch(/11\.0 MB, over the limit of 10\.0 MB/);
      expect(byName.get(grown)!.contentSha256).toBeNull();
    } finally {
      await database.close();
    }
  });
});
