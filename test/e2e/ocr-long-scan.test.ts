// A long scan through the built CLI: its per-file OCR limit grows with the pages it reads. A fixed 10 minutes
// failed a 55-page scan read at an ordinary pace, though every page would have been read. Here the configured
// limit (1 s) is what three small pages take to read; before, the file failed at it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';
import { hasNativeOcr, joinScans, makeSmallScan, scanFilename, SLOW_OCR_TESTS } from '../support/scans.js';

let root: string;

beforeAll(() => {
  root = createTempDir('tecsalud-ocr-long-scan-');
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.runIf(hasNativeOcr)(
  'a scan longer than the per-file OCR limit allows at its configured value',
  SLOW_OCR_TESTS,
  () => {
    it('is read whole: the limit allows each page read its share', async () => {
      const db = path.join(root, 'registry.db');
      const drop = path.join(root, 'drop');
      fs.mkdirSync(drop);
      const name = scanFilename('6400000001');
      fs.writeFileSync(
        path.join(drop, name),
        await joinScans([await makeSmallScan(41), await makeSmallScan(42), await makeSmallScan(43)]),
      );
      fs.writeFileSync(
        path.join(root, 'tecsalud-batch.config.json'),
        JSON.stringify({ ocr: { fileTimeoutSeconds: 1 } }),
      );
      const imported = await runCli(['patients', 'import', REGISTRY_CSV, '--db', db], { cwd: root });
      expect(imported.code, imported.stderr).toBe(0);

      const run = await runCli(
        ['ingest', drop, '--db', db, '--non-interactive', '--json', '--ocr-engine', 'tesseract'],
        {
          cwd: root,
        },
      );
      const [file] = (JSON.parse(run.stdout) as { files: { outcome: string; error: string | null }[] }).files;
      expect(file, file?.error ?? run.stderr).toMatchObject({ outcome: 'ingested', ocr: { pages: 3 } });
      expect(run.code).toBe(0);
    });
  },
);
