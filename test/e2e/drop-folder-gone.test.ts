import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { finishedRun, runCli, spawnCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

const SOURCE = '3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_6319832539_LAB.pdf';
const FILES = 600;

describe(
  'a drop folder that goes away during the run (unmounted, moved, deleted)',
  { tags: ['slow'] },
  () => {
    let cwd: string;
    beforeEach(async () => {
      cwd = createTempDir('tecsalud-folder-gone-');
      const drop = path.join(cwd, 'drop');
      fs.mkdirSync(drop);
      const bytes = fs.readFileSync(path.join(SAMPLE_DIR, SOURCE));
      const anHourAgo = new Date(Date.now() - 3600_000);
      for (let k = 0; k < FILES; k++) {
        const file = path.join(
          drop,
          `3000635026_DE LA TORRE VALDEZ, JULIO CÉSAR_71${String(k).padStart(8, '0')}_LAB.pdf`,
        );
        fs.writeFileSync(file, Buffer.concat([bytes, Buffer.from(`\n% copy ${k}\n`)]));
        fs.utimesSync(file, anHourAgo, anHourAgo);
      }
      expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', 'r.db'], { cwd })).code).toBe(0);
    });
    afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

    it('stops the run with 69, failing none of its files, and the same command finishes them once it is back', async () => {
      const args = [
        'ingest',
        'drop',
        '--db',
        'r.db',
        '--non-interactive',
        '--type',
        'complete',
        '--concurrency',
        '1',
      ];
      const child = spawnCli([...args, '--lang', 'es'], { cwd });
      const run = finishedRun(child);
      // Moved away once the run has started on its files (its first progress line).
      await new Promise<void>((resolve) => {
        let seen = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (/\d+\/\d+ archivos/.test(seen)) resolve();
        });
      });
      fs.renameSync(path.join(cwd, 'drop'), path.join(cwd, 'drop-moved'));
      const stopped = await run;
      expect(stopped.code, stopped.stderr).toBe(ExitCode.ServiceUnavailable);
      expect(stopped.stderr).toMatch(
        /^error: la carpeta .*drop ya no está \(se desmontó, se movió o se borró durante la ejecución\)$/m,
      );
      expect(stopped.stderr).toMatch(
        /^sugerencia: monte o restaure la carpeta y ejecute el mismo comando otra vez/m,
      );
      const status = JSON.parse((await runCli(['status', '--db', 'r.db', '--json'], { cwd })).stdout) as {
        failed_files: number;
        processed_files: number;
      };
      // Not "600 failed: the file disappeared": nothing of the folder is failed, and the run did not finish it.
      expect(status.failed_files).toBe(0);
      expect(status.processed_files).toBeLessThan(FILES);

      fs.renameSync(path.join(cwd, 'drop-moved'), path.join(cwd, 'drop'));
      const again = await runCli([...args, '--json'], { cwd });
      expect(again.code, again.stderr).toBe(ExitCode.Success);
      expect(JSON.parse(again.stdout)).toMatchObject({
        status: 'completed',
        total_files: FILES,
        failed_files: 0,
      });
    }, 120_000);
  },
);
