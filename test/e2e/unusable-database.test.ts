import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runCli, type CliOptions } from '../support/cli-binary.js';
import { createTempDir } from '../support/databases.js';
import { REGISTRY_CSV, SAMPLE_DIR } from '../support/ingest-fixture.js';

/**
 * Permission checks do not apply to root: as root, the files that must be read-only or unreadable are tried
 * by the user nobody (setpriv); as anyone else, by that user.
 */
const AS_ANOTHER_USER =
  process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];

let dir: string;
let registry: string;
beforeAll(async () => {
  dir = createTempDir('tecsalud-unusable-');
  fs.chmodSync(dir, 0o777);
  registry = path.join(dir, 'registry.db');
  expect((await runCli(['patients', 'import', REGISTRY_CSV, '--db', registry], { cwd: dir })).code).toBe(0);
  fs.chmodSync(registry, 0o666);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A copy of the good registry, shaped by `damage`. */
function copy(name: string, damage: (file: string) => void = () => undefined): string {
  const file = path.join(dir, name);
  fs.copyFileSync(registry, file);
  fs.chmodSync(file, 0o666);
  damage(file);
  return file;
}

async function expectUserError(args: string[], message: RegExp, options: Partial<CliOptions> = {}) {
  const { code, stderr } = await runCli(args, { cwd: dir, ...options });
  expect(stderr, args.join(' ')).toMatch(message);
  expect(stderr, args.join(' ')).toMatch(/^hint: /m);
  expect(stderr, args.join(' ')).not.toMatch(/internal error|\n\s+at /);
  return code;
}

describe(
  'a --db that is not a usable database: error naming the file, a hint, exit 64',
  { tags: ['slow'] },
  () => {
    it('a file that is not SQLite', async () => {
      const notes = path.join(dir, 'notes.txt');
      fs.writeFileSync(notes, 'minutes of the meeting, not a database\n');
      for (const args of [
        ['patients', 'list'],
        ['status'],
        ['patients', 'import', REGISTRY_CSV],
        ['ingest', SAMPLE_DIR],
      ]) {
        const code = await expectUserError(
          [...args, '--db', notes],
          /^error: '.*notes\.txt' is not a SQLite database$/m,
        );
        expect(code, args.join(' ')).toBe(ExitCode.Usage);
      }
      expect(fs.readFileSync(notes, 'utf8')).toBe('minutes of the meeting, not a database\n');
    });

    it('a truncated database, whether the damage shows on opening it or on a later read', async () => {
      const half = copy('half.db', (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)));
      const tail = copy('tail.db', (file) => fs.truncateSync(file, fs.statSync(file).size - 40_960));
      expect(
        await expectUserError(['status', '--db', half], /^error: the database '.*half\.db' is damaged/m),
      ).toBe(64);
      expect(
        await expectUserError(
          ['patients', 'list', '--limit', '100', '--db', tail],
          /^error: the database '.*tail\.db' is damaged/m,
        ),
      ).toBe(ExitCode.Usage);
    });

    it('a read-only file where the command writes, which commands that only read still open', async () => {
      const readOnly = copy('read-only.db', (file) => fs.chmodSync(file, 0o444));
      const asOther = { wrapper: AS_ANOTHER_USER };
      const code = await expectUserError(
        ['patients', 'import', REGISTRY_CSV, '--db', readOnly],
        /^error: the database '.*read-only\.db' cannot be written: the file or its folder is read-only$/m,
        asOther,
      );
      expect(code).toBe(ExitCode.Usage);
      const listed = await runCli(['patients', 'list', '--limit', '1', '--db', readOnly], {
        cwd: dir,
        ...asOther,
      });
      expect(listed.code).toBe(0);
      // That read left SQLite's -shm read-only too: once the file is writable again, the error names what is
      // still in the way instead of blaming a file and folder that are both writable now.
      fs.chmodSync(readOnly, 0o666);
      expect(fs.statSync(`${readOnly}-shm`).mode & 0o222).toBe(0);
      await expectUserError(
        ['patients', 'import', REGISTRY_CSV, '--db', readOnly],
        /^error: the database '.*read-only\.db' cannot be written: .*'read-only\.db-shm'.* read-only$/m,
        asOther,
      );
    });

    it('a file the user may not read', async () => {
      const locked = copy('locked.db', (file) => fs.chmodSync(file, 0o000));
      const code = await expectUserError(
        ['sessions', '--db', locked],
        /^error: cannot open the database '.*locked\.db'/m,
        {
          wrapper: AS_ANOTHER_USER,
        },
      );
      expect(code).toBe(ExitCode.Usage);
    });

    it('doctor: a failed database check naming the file, exit 64', async () => {
      const notes = path.join(dir, 'doctor-notes.txt');
      fs.writeFileSync(notes, 'not a database');
      const { code, stdout } = await runCli(['doctor', '--db', notes], { cwd: dir });
      expect(code).toBe(ExitCode.Usage);
      expect(stdout).toMatch(
        /^FAIL {2}database +'.*doctor-notes\.txt' is not a SQLite database \(check --db/m,
      );
    });

    it('a PostgreSQL server that cannot be reached is a service error instead (69)', async () => {
      const { code, stderr } = await runCli(
        ['status', '--db', 'postgres://someone:secret@127.0.0.1:9/registry'],
        { cwd: dir },
      );
      expect(code).toBe(ExitCode.ServiceUnavailable);
      expect(stderr).toMatch(/^error: /m);
      expect(stderr).not.toMatch(/secret|\n\s+at /);
    });
  },
);
