import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OcrChildPool } from '../../../src/adapters/ocr/ocr-child-pool.js';
import type { OcrTask } from '../../../src/adapters/ocr/ocr-task.js';
import { createTempDir } from '../../support/databases.js';
import { FIXTURES } from '../../support/ingest-fixture.js';

// One real OCR child with a "tesseract" that never answers: what the pool does with work in flight and
// work waiting, without spending seconds on real recognition.
describe('OcrChildPool', { tags: ['slow'] }, () => {
  let dir: string;
  let pool: OcrChildPool;
  let task: OcrTask;
  beforeEach(() => {
    dir = createTempDir('tecsalud-ocr-pool-');
    const hang = path.join(dir, 'tesseract');
    fs.writeFileSync(hang, '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    pool = new OcrChildPool({ processes: 1, maxMemoryMb: 512 });
    task = {
      path: path.join(FIXTURES, 'problem-pdfs', 'image-only.pdf'),
      pages: [1],
      engine: 'tesseract',
      dpi: 50,
      languages: ['spa', 'eng'],
      tesseractCommand: hang,
      pdftoppmCommand: 'pdftoppm',
    };
  });
  afterEach(async () => {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('drops a waiting task on its queue signal, and stops the running one (and its tool) on its signal', async () => {
    const stop = new AbortController();
    let pageBegun!: (page: number) => void;
    const begun = new Promise<number>((resolve) => (pageBegun = resolve));
    const running = pool.run(task, { signal: stop.signal, onPage: (page) => pageBegun(page) });
    const ctrlC = new AbortController();
    const waiting = pool.run(task, { queueSignal: ctrlC.signal });
    ctrlC.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
    // The running task is untouched by that: it stops only on its own signal, once its page has begun.
    expect(await begun).toBe(1);
    stop.abort();
    expect(await running).toMatchObject({ kind: 'exit', signal: 'SIGKILL' });
  });

  it('keeps one listener on a queue signal however many tasks wait on it (no MaxListenersExceededWarning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const stop = new AbortController();
      const running = pool.run(task, { signal: stop.signal });
      const ctrlC = new AbortController();
      const waiting = Array.from({ length: 25 }, () => pool.run(task, { queueSignal: ctrlC.signal }));
      ctrlC.abort(new Error('interrupted'));
      const settled = await Promise.allSettled(waiting);
      expect(settled.every((s) => s.status === 'rejected')).toBe(true);
      stop.abort();
      await running;
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
