import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV } from '../support/ingest-fixture.js';

/** Every numeric setting refuses a value out of its range the same way: the setting, the range, the value. */
describe('numeric settings out of range (the real CLI)', { tags: ['slow'] }, () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = createTempDir('tecsalud-numbers-');
    fs.mkdirSync(path.join(cwd, 'drop'));
    // A registry to list, so that `patients list --limit 0` gets as far as its flags' values.
    const imported = await runCli(['patients', 'import', REGISTRY_CSV], { cwd, env: { TECSALUD_DB: '' } });
    expect(imported.code).toBe(0);
  });
  afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

  const refusal = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runCli(args, { cwd, env: { TECSALUD_DB: '', LANG: 'C', LC_ALL: '', ...env } });
    expect(run.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
    return { code: run.code, error: run.stderr.split('\n')[0] };
  };

  it('names the flag, its range and the value given, exit 64', async () => {
    const cases: [string[], string][] = [
      [['ingest', 'drop', '--concurrency', '0'], '--concurrency must be a whole number from 1 to 64; got 0'],
      [['ingest', 'drop', '--max-files', '-1'], '--max-files must be a whole number from 1 up; got -1'],
      [['ingest', 'drop', '--timeout', '0'], '--timeout must be a number above 0; got 0'],
      [['patients', 'list', '--limit', '0'], '--limit must be a whole number from 1 up; got 0'],
      [['sessions', '--limit', '0'], '--limit must be a whole number from 1 up; got 0'],
      [['worker', '--concurrency', '65'], '--concurrency must be a whole number from 1 to 64; got 65'],
      [['worker', '--job-timeout', '1'], '--job-timeout must be a whole number from 5 to 82800; got 1'],
      [['serve', '--port', '70000'], '--port must be a whole number from 0 to 65535; got 70000'],
      [
        ['serve', '--max-files-per-session', '0'],
        '--max-files-per-session must be a whole number from 1 up; got 0',
      ],
      [['search', 'dolor', '-k', '0'], '--limit must be a whole number from 1 to 100; got 0'],
      [['search', 'dolor', '--limit', '101'], '--limit must be a whole number from 1 to 100; got 101'],
      [['match', 'x.pdf', '--auto-threshold', '2'], '--auto-threshold must be a number from 0 to 1; got 2'],
      [['doctor', '--timeout', '0'], '--timeout must be a number above 0 and up to 600; got 0'],
    ];
    const runs = await Promise.all(cases.map(([args]) => refusal(args)));
    runs.forEach((run, i) =>
      expect(run, cases[i]![0].join(' ')).toEqual({ code: ExitCode.Usage, error: `error: ${cases[i]![1]}` }),
    );
  });

  it('refuses the environment and the config file alike', async () => {
    const env = await refusal(['ingest', 'drop'], { TECSALUD_EMBEDDING_DIMENSIONS: '0' });
    expect(env).toEqual({
      code: ExitCode.Usage,
      error: 'error: TECSALUD_EMBEDDING_DIMENSIONS must be a whole number from 1 up; got 0',
    });
    fs.writeFileSync(path.join(cwd, 'bad.json'), JSON.stringify({ embedding: { batchSize: 0 } }));
    const file = await refusal(['ingest', 'drop', '--config', 'bad.json']);
    expect(file).toEqual({
      code: ExitCode.Usage,
      error: 'error: bad.json: embedding.batchSize must be a whole number from 1 to 2048; got 0',
    });
  });

  it('says it in Spanish under --lang es or a Spanish locale', async () => {
    const flag = await refusal(['ingest', 'drop', '--lang', 'es', '--concurrency', '0']);
    expect(flag).toEqual({
      code: ExitCode.Usage,
      error: 'error: --concurrency debe ser un número entero de 1 a 64; se recibió 0',
    });
    const locale = await refusal(['patients', 'list', '--limit', '0'], { LANG: 'es_MX.UTF-8' });
    expect(locale).toEqual({
      code: ExitCode.Usage,
      error: 'error: --limit debe ser un número entero mayor o igual que 1; se recibió 0',
    });
  });
});
