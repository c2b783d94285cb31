import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { NO_DAC_OVERRIDE, runCli, type RunResult } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Paths as IT staff set them up on a new server, through the built CLI: the archive or quarantine folder
 * that is the drop folder under another name, the upload folder that cannot be written, a `~` no shell
 * expanded.
 */

const SOME = [
  '3000768077_HUERTA SOTO, GABRIELA_6380098785_LAB.pdf',
  '3000147773_BONILLA SEPÚLVEDA, ADRIANA_6459808119_CONS.pdf',
  'RIOS CORONADO CESAR CONS.pdf',
];

let cwd: string;
beforeEach(() => {
  cwd = createTempDir('tecsalud-paths-');
  fs.mkdirSync(path.join(cwd, 'drop'));
  for (const name of SOME) fs.copyFileSync(path.join(SAMPLE_DIR, name), path.join(cwd, 'drop', name));
});
afterEach(() => fs.rmSync(cwd, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> =>
  runCli(args, { cwd, env: { TECSALUD_DB: '', ...env } });

function expectRefusal(result: RunResult, code: number, message: RegExp): void {
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(/^hint: /m);
  expect(result.code).toBe(code);
}

describe(
  'an archive or quarantine folder that is the drop folder under another name',
  { tags: ['slow'] },
  () => {
    it.each([
      [
        '--archive-dir',
        'a link to DIR',
        (dir: string) => (
          fs.symlinkSync('drop', path.join(cwd, 'arch')),
          ['ingest', dir, '--archive-dir', 'arch']
        ),
      ],
      [
        '--quarantine-dir',
        'a link to DIR',
        (dir: string) => (
          fs.symlinkSync('drop', path.join(cwd, 'quar')),
          ['ingest', dir, '--quarantine-dir', 'quar']
        ),
      ],
      [
        '--archive-dir',
        'DIR through a link',
        () => (
          fs.symlinkSync('drop', path.join(cwd, 'incoming')),
          ['ingest', 'incoming', '--archive-dir', 'drop/archived']
        ),
      ],
    ])('%s as %s is refused before anything is moved, and no file is lost', async (flag, _how, args) => {
      const result = await run([...args('drop'), '--non-interactive', '--json']);
      expectRefusal(
        result,
        ExitCode.Usage,
        new RegExp(`error: ${flag} .* is inside the folder being ingested`),
      );
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { exit_code: ExitCode.Usage } });
      expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME].sort());
    });
  },
);

describe('an archive or quarantine folder that contains the drop folder', { tags: ['slow'] }, () => {
  // DIR/drop/a.pdf archived under its path in DIR, with the archive at DIR's parent, would land at DIR/a.pdf:
  // back in the drop folder, found again by the next run.
  it.each([
    ['--archive-dir', '.'],
    ['--quarantine-dir', '.'],
    ['--archive-dir', '..'],
  ])(
    '%s %s is refused before anything is moved, with a folder beside DIR to use instead',
    async (flag, value) => {
      fs.mkdirSync(path.join(cwd, 'drop', 'drop'));
      fs.copyFileSync(path.join(cwd, 'drop', SOME[0]!), path.join(cwd, 'drop', 'drop', SOME[0]!));
      const result = await run(['ingest', 'drop', flag, value, '--non-interactive', '--json']);
      const drop = fs.realpathSync(path.join(cwd, 'drop'));
      expectRefusal(
        result,
        ExitCode.Usage,
        new RegExp(`^error: ${flag} '\\.+' contains the folder being ingested \\(${drop}\\)`, 'm'),
      );
      expect(result.stderr).toContain(
        `hint: choose a folder beside it rather than above it, e.g. ${flag} ${path.join(path.dirname(drop), flag.slice(2, -4))}\n`,
      );
      expect(JSON.parse(result.stdout)).toMatchObject({ error: { exit_code: ExitCode.Usage } });
      expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME, 'drop'].sort());
      expect(fs.readdirSync(path.join(cwd, 'drop', 'drop'))).toEqual([SOME[0]]);
    },
  );
});

describe('serve with an upload folder or a log it cannot use', { tags: ['slow'] }, () => {
  // Port 0: were a refusal to let the server start, it would not take a port another test uses.
  const serve = (args: string[]) =>
    runCli(['serve', '--no-auth', '--port', '0', ...args], {
      cwd,
      env: { TECSALUD_DB: '' },
      wrapper: NO_DAC_OVERRIDE,
      timeoutMs: 30_000,
    });

  beforeEach(() => {
    fs.mkdirSync(path.join(cwd, 'read-only'));
    fs.chmodSync(path.join(cwd, 'read-only'), 0o555);
    fs.writeFileSync(path.join(cwd, 'a-file'), '');
  });

  it.each([
    ['read-only', /error: cannot use the upload folder '[^']*\/read-only': permission denied/],
    [
      'read-only/uploads',
      /error: cannot use the upload folder '[^']*\/read-only\/uploads': permission denied/,
    ],
    ['a-file', /error: cannot use the upload folder '[^']*\/a-file': it is a file, not a folder/],
    [
      'a-file/uploads',
      /error: cannot use the upload folder '[^']*\/a-file\/uploads': a part of its path is a file, not a folder/,
    ],
  ])(
    '--upload-dir %s is refused at start (64), not a stack trace or a 500 on every session',
    async (dir, message) => {
      expectRefusal(await serve(['--upload-dir', dir]), ExitCode.Usage, message);
      expect(
        fs.existsSync(path.join(cwd, 'tecsalud-batch.db')),
        'no registry created by a refused start',
      ).toBe(false);
    },
  );

  it.each([
    ['read-only/serve.log', /error: cannot write the log '[^']*read-only\/serve.log': permission denied/],
    ['read-only', /error: cannot write the log '[^']*read-only': it is a folder/],
    [
      'a-file/serve.log',
      /error: cannot write the log '[^']*a-file\/serve.log': a part of its path is a file, not a folder/,
    ],
  ])('--log-file %s is refused at start (64), as ingest refuses it', async (log, message) => {
    const result = await serve(['--log-file', log]);
    expectRefusal(result, ExitCode.Usage, message);
    expect(fs.existsSync(path.join(cwd, 'tecsalud-batch.db')), 'no registry created by a refused start').toBe(
      false,
    );
  });
});

describe(
  'a path no shell expanded: empty (an unset variable) or starting with ~ (quoted, or from a file)',
  { tags: ['slow'] },
  () => {
    const leftBehind = () => fs.readdirSync(cwd).filter((name) => name !== 'drop');

    it.each([
      [
        ['ingest', 'drop', '--non-interactive', '--archive-dir', '~/archive'],
        "--archive-dir '~/archive' starts with '~'",
      ],
      [
        ['ingest', 'drop', '--non-interactive', '--quarantine-dir', '~/quarantine'],
        "--quarantine-dir '~/quarantine' starts with '~'",
      ],
      [
        ['ingest', 'drop', '--non-interactive', '--log-file', '~/logs/ingest.log'],
        "--log-file '~/logs/ingest.log' starts with '~'",
      ],
      [
        ['ingest', 'drop', '--non-interactive', '--db', '~/registry.db'],
        "--db '~/registry.db' starts with '~'",
      ],
      [
        ['patients', 'import', 'registry.csv', '--db', 'sqlite:~/x.db'],
        "--db 'sqlite:~/x.db' starts with 'sqlite:~'",
      ],
      [
        ['serve', '--no-auth', '--port', '0', '--upload-dir', '~tecsalud/uploads'],
        "--upload-dir '~tecsalud/uploads' starts with '~'",
      ],
      [['doctor', '--log-file', '~/ingest.log'], "--log-file '~/ingest.log' starts with '~'"],
      [
        ['status', '--config', '~/tecsalud-batch.config.json'],
        "--config '~/tecsalud-batch.config.json' starts with '~'",
      ],
      [['ingest', 'drop', '--non-interactive', '--archive-dir', ''], '--archive-dir is empty'],
      [['ingest', 'drop', '--non-interactive', '--quarantine-dir', ' '], '--quarantine-dir is empty'],
      [['ingest', 'drop', '--non-interactive', '--log-file', ''], '--log-file is empty'],
      [['serve', '--no-auth', '--port', '0', '--upload-dir', ''], '--upload-dir is empty'],
    ])('%j is refused (64) and creates nothing', async (args, message) => {
      const result = await runCli(
        [...args, '--json'].filter((a) => a !== '--json' || args[0] !== 'serve'),
        {
          cwd,
          env: { TECSALUD_DB: '' },
          timeoutMs: 30_000,
        },
      );
      expectRefusal(
        result,
        ExitCode.Usage,
        new RegExp(`^error: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'),
      );
      expect(leftBehind()).toEqual([]);
      expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME].sort());
    });

    it.each([
      ['TECSALUD_DB', { TECSALUD_DB: '~/registry.db' }, {}],
      ['TECSALUD_DB', { TECSALUD_DB: 'sqlite:~/registry.db' }, {}],
      ["the config file's db", {}, { db: '~/registry.db' }],
      ["the config file's serve.uploadDir", {}, { serve: { uploadDir: '~/uploads' } }],
    ])('%s starting with ~ is refused (64) and creates nothing', async (from, env, file) => {
      fs.writeFileSync(path.join(cwd, 'tecsalud-batch.config.json'), JSON.stringify(file));
      const args = from.includes('serve')
        ? ['serve', '--no-auth', '--port', '0']
        : ['ingest', 'drop', '--non-interactive'];
      const result = await runCli(args, { cwd, env: { TECSALUD_DB: '', ...env }, timeoutMs: 30_000 });
      expectRefusal(result, ExitCode.Usage, /^error: .*'(sqlite:)?~\/[a-z.]+' starts with '(sqlite:)?~'/m);
      if ((env as { TECSALUD_DB?: string }).TECSALUD_DB?.startsWith('sqlite:'))
        expect(result.stderr).toContain(`write the full path instead: sqlite:${os.homedir()}`);
      expect(leftBehind()).toEqual(['tecsalud-batch.config.json']);
    });
  },
);

describe('doctor says where each setting came from', { tags: ['slow'] }, () => {
  it('flag over environment over config file over default, in the text and in --json', async () => {
    fs.writeFileSync(
      path.join(cwd, 'tecsalud-batch.config.json'),
      JSON.stringify({ db: 'from-file.db', collection: 'from_file', embedder: 'hashing' }),
    );
    const env = { TECSALUD_DB: 'from-env.db', TECSALUD_VECTOR_STORE: 'embedded' };
    const text = await runCli(['doctor', '--timeout', '5'], { cwd, env });
    const configLine = text.stdout.split('\n').find((line) => /^\S+\s+config\s/.test(line));
    expect(configLine).toMatch(/^OK\s+config\s+read .*tecsalud-batch\.config\.json/);
    expect(configLine).toContain('db from-env.db (TECSALUD_DB)');
    expect(configLine).toContain('vectorStore embedded (TECSALUD_VECTOR_STORE)');
    expect(configLine).toContain('collection from_file (config file)');
    expect(configLine).toContain('embedder hashing (config file)');

    const flagged = await runCli(['doctor', '--timeout', '5', '--db', 'from-flag.db', '--json'], {
      cwd,
      env,
    });
    const report = JSON.parse(flagged.stdout) as {
      checks: { name: string; detail: string }[];
      config: { sources: Record<string, string> };
    };
    expect(report.config.sources).toMatchObject({
      db: 'flag',
      vectorStore: 'env',
      collection: 'file',
      embedder: 'file',
    });
    expect(report.checks.find((check) => check.name === 'config')!.detail).toContain(
      'db from-flag.db (--db)',
    );
    expect(fs.existsSync(path.join(cwd, 'from-flag.db'))).toBe(false);
  });
});

describe('one folder as both archive and quarantine', { tags: ['slow'] }, () => {
  it.each([
    ['the same path', ['--archive-dir', 'done', '--quarantine-dir', 'done/']],
    ['a link to the other', ['--archive-dir', 'done', '--quarantine-dir', 'done-link']],
  ])('(%s) is refused at start: ingested and failed files would be mixed', async (_how, flags) => {
    fs.mkdirSync(path.join(cwd, 'done'));
    fs.symlinkSync('done', path.join(cwd, 'done-link'));
    const result = await run(['ingest', 'drop', '--non-interactive', ...flags]);
    expectRefusal(result, ExitCode.Usage, /^error: --archive-dir and --quarantine-dir are the same folder/m);
    expect(fs.readdirSync(path.join(cwd, 'done'))).toEqual([]);
    expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME].sort());
  });

  it.each([
    [
      'the archive inside the quarantine',
      ['--archive-dir', 'srv/q/archive', '--quarantine-dir', 'srv/q'],
      '--archive-dir',
      'archive',
    ],
    [
      'the quarantine inside the archive',
      ['--archive-dir', 'srv/a', '--quarantine-dir', 'srv/a/q'],
      '--quarantine-dir',
      'q',
    ],
  ])(
    '(%s) is refused too: a file of a sub-folder of that name would be moved into the other',
    async (_how, flags, inner, sub) => {
      const result = await run(['ingest', 'drop', '--non-interactive', ...flags]);
      expectRefusal(
        result,
        ExitCode.Usage,
        new RegExp(
          `^error: ${inner} \\(.*\\) is inside --\\w+-dir \\(.*\\): a file of a sub-folder '${sub}' of the folder being ingested would land in the other one$`,
          'm',
        ),
      );
      expect(fs.existsSync(path.join(cwd, 'srv'))).toBe(false);
      expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME].sort());
      const spanish = await run(['ingest', 'drop', '--non-interactive', '--lang', 'es', ...flags]);
      expect(spanish.stderr).toMatch(
        /está dentro de --\w+-dir .*: un archivo de una subcarpeta '\w+' de la carpeta de entrada acabaría en la otra/,
      );
    },
  );
});

describe('an archive or quarantine folder the first move could never create', { tags: ['slow'] }, () => {
  beforeEach(() => {
    fs.mkdirSync(path.join(cwd, 'read-only'));
    fs.chmodSync(path.join(cwd, 'read-only'), 0o555);
    fs.writeFileSync(path.join(cwd, 'a-file'), '');
  });

  it.each([
    [
      ['--archive-dir', 'a-file/archive'],
      /^error: --archive-dir 'a-file\/archive' cannot be created: .*\/a-file is a file, not a folder$/m,
    ],
    [
      ['--quarantine-dir', 'read-only/quarantine/new'],
      /^error: --quarantine-dir 'read-only\/quarantine\/new' cannot be created: this account may not write in .*\/read-only$/m,
    ],
  ])(
    '%j is refused at start (64), not reported "not moved" for every file after the run',
    async (flags, message) => {
      const result = await runCli(['ingest', 'drop', '--non-interactive', '--db', 'registry.db', ...flags], {
        cwd,
        wrapper: NO_DAC_OVERRIDE,
        timeoutMs: 30_000,
      });
      expectRefusal(result, ExitCode.Usage, message);
      expect(fs.existsSync(path.join(cwd, 'registry.db')), 'no registry created by a refused start').toBe(
        false,
      );
      expect(fs.readdirSync(path.join(cwd, 'drop')).sort()).toEqual([...SOME].sort());
    },
  );
});
