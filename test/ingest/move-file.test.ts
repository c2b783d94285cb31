import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveWithoutOverwrite } from '../../src/ingest/move-file.js';
import { createTempDir } from '../support/databases.js';
import { REPO_ROOT } from '../support/ingest-fixture.js';

let root: string;
beforeEach(() => (root = createTempDir('tecsalud-move-')));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('moveWithoutOverwrite', () => {
  it('never leaves the archive: a path that climbs out, or a folder in it that links elsewhere, is refused', async () => {
    const source = path.join(root, 'drop', 'f.pdf');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, '%PDF-');
    const archive = path.join(root, 'archive');
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(archive);
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, path.join(archive, 'linked'));
    await expect(moveWithoutOverwrite(source, archive, '../outside/f.pdf')).rejects.toThrow(/would leave/);
    await expect(moveWithoutOverwrite(source, archive, 'linked/deeper/f.pdf')).rejects.toThrow(
      /leads to .*, outside it/,
    );
    expect(fs.existsSync(path.join(root, 'outside'))).toBe(false);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(fs.existsSync(source)).toBe(true);
  });

  it('never removes a file by "moving" it onto itself: an archive that is its own folder under another name', async () => {
    const drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    const source = path.join(drop, 'f.pdf');
    fs.writeFileSync(source, '%PDF- only copy');
    fs.symlinkSync(drop, path.join(root, 'archive'));
    await expect(moveWithoutOverwrite(source, path.join(root, 'archive'), 'f.pdf')).rejects.toThrow(
      /is the file itself/,
    );
    expect(fs.readdirSync(drop)).toEqual(['f.pdf']);
    expect(fs.readFileSync(source, 'utf8')).toBe('%PDF- only copy');
  });

  /** Moves a new file `name` into an archive that already holds another file of that name. */
  async function moveOntoTakenName(name: string): Promise<string> {
    const source = path.join(root, 'drop', name);
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, 'new');
    const archive = path.join(root, 'archive');
    fs.mkdirSync(archive);
    fs.writeFileSync(path.join(archive, name), 'old');
    return moveWithoutOverwrite(source, archive, name);
  }

  it('shortens a name as long as the file-system allows when a taken name needs its " (2)"', async () => {
    const name = `${'Á'.repeat(125)}.pdf`; // 254 bytes
    const moved = await moveOntoTakenName(name);
    expect(path.basename(moved)).toBe(`${'Á'.repeat(123)} (2).pdf`);
    expect(fs.readFileSync(moved, 'utf8')).toBe('new');
  });

  it('cuts a long name inside the patient name, keeping the document number and type whole', async () => {
    const name = `3000003799_GARZA TIJERINA, ${'MARÍA '.repeat(28)}LUZ ESTHER_6001467010_CONS.pdf`;
    expect(Buffer.byteLength(name)).toBeGreaterThan(250);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    const moved = path.basename(await moveOntoTakenName(name));
    expect(moved).toMatch(/^3000003799_GARZA TIJERINA, MAR.*_6001467010_CONS \(2\)\.pdf$/);
    expect(Buffer.byteLength(moved)).toBeLessThanOrEqual(255);
    expect(moved.length).toBeLessThan(name.length + 4);
  });

  it('keeps the relative path and never overwrites an existing file', async () => {
    const source = path.join(root, 'drop', 'a', 'f.pdf');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, 'new');
    const archive = path.join(root, 'archive');
    fs.mkdirSync(path.join(archive, 'a'), { recursive: true });
    fs.writeFileSync(path.join(archive, 'a', 'f.pdf'), 'old');
    const moved = await moveWithoutOverwrite(source, archive, 'a/f.pdf');
    expect(moved).toBe(path.join(archive, 'a', 'f (2).pdf'));
    expect(fs.readFileSync(path.join(archive, 'a', 'f.pdf'), 'utf8')).toBe('old');
    expect(fs.readFileSync(moved, 'utf8')).toBe('new');
    expect(fs.existsSync(source)).toBe(false);
  });

  it('finishes the move a killed run began instead of archiving the same file twice as " (2)"', async () => {
    const archive = path.join(root, 'archive');
    fs.mkdirSync(archive);
    const drop = path.join(root, 'drop');
    fs.mkdirSync(drop);
    // Killed after the hard link (same file-system), or after the copy (another one), before the unlink.
    const linked = path.join(drop, 'linked.pdf');
    fs.writeFileSync(linked, '%PDF- linked');
    fs.linkSync(linked, path.join(archive, 'linked.pdf'));
    const copied = path.join(drop, 'copied.pdf');
    fs.writeFileSync(copied, '%PDF- copied');
    fs.copyFileSync(copied, path.join(archive, 'copied.pdf'));
    // Another file under a taken name (same size, other bytes) still gets its own name.
    const other = path.join(drop, 'other.pdf');
    fs.writeFileSync(other, '%PDF- second');
    fs.writeFileSync(path.join(archive, 'other.pdf'), '%PDF- first!');

    expect(await moveWithoutOverwrite(linked, archive, 'linked.pdf')).toBe(path.join(archive, 'linked.pdf'));
    expect(await moveWithoutOverwrite(copied, archive, 'copied.pdf')).toBe(path.join(archive, 'copied.pdf'));
    expect(await moveWithoutOverwrite(other, archive, 'other.pdf')).toBe(path.join(archive, 'other (2).pdf'));
    expect(fs.readdirSync(drop)).toEqual([]);
    expect(fs.readdirSync(archive).sort()).toEqual([
      'copied.pdf',
      'linked.pdf',
      'other (2).pdf',
      'other.pdf',
    ]);
    expect(fs.readFileSync(path.join(archive, 'copied.pdf'), 'utf8')).toBe('%PDF- copied');
  });

  it('clears the partial copies a killed run left in the folder it moves into, and no others', async () => {
    const archive = path.join(root, 'archive');
    fs.mkdirSync(archive);
    const dead = Number(execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).trim());
    const partial = (pid: number, hex: string) => path.join(archive, `.tecsalud-${pid}-${hex}.partial`);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const left = [
      partial(dead, '0badf00d'),
      path.join(archive, `.tecsalud-${dead}-notes.partial`),
      partial(process.pid, 'cafebabe'),
    ];
    for (const file of [...left, partial(dead, 'deadbeef')]) {
      fs.writeFileSync(file, '%PDF- half');
      fs.utimesSync(file, anHourAgo, anHourAgo);
    }
    // Written moments ago: a copy under way (on shared storage, perhaps another host's process).
    fs.utimesSync(left[0]!, new Date(), new Date());
    const source = path.join(root, 'drop', 'f.pdf');
    fs.mkdirSync(path.dirname(source));
    fs.writeFileSync(source, '%PDF-');
    await moveWithoutOverwrite(source, archive, 'f.pdf');
    expect(fs.readdirSync(archive).sort()).toEqual(
      [...left.map((file) => path.basename(file)), 'f.pdf'].sort(),
    );
  });

  it('makes the moved file and the folders created for it owner-only, whatever the drop folder gave it', async () => {
    const source = path.join(root, 'drop', 'f.pdf');
    fs.mkdirSync(path.dirname(source), { recursive: true });
    fs.writeFileSync(source, '%PDF-', { mode: 0o644 });
    fs.chmodSync(source, 0o644);
    const archive = path.join(root, 'archive');
    const moved = await moveWithoutOverwrite(source, archive, '2026/12/f.pdf');
    const modes = [archive, path.join(archive, '2026'), path.join(archive, '2026', '12'), moved].map(
      (p) => fs.statSync(p).mode & 0o777,
    );
    expect(modes).toEqual([0o700, 0o700, 0o700, 0o600]);
    const grouped = path.join(root, 'drop', 'g.pdf');
    fs.writeFileSync(grouped, '%PDF-');
    expect(fs.statSync(await moveWithoutOverwrite(grouped, archive, 'g.pdf', 'group')).mode & 0o777).toBe(
      0o640,
    );
  });

  const otherFileSystem =
    fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').dev !== fs.statSync(os.tmpdir()).dev;
  it.runIf(otherFileSystem)(
    'copies across file-systems into an owner-only file, leaving no partial copy',
    async () => {
      const drop = fs.mkdtempSync('/dev/shm/tecsalud-drop-');
      try {
        const source = path.join(drop, 'f.pdf');
        fs.writeFileSync(source, '%PDF- across');
        fs.chmodSync(source, 0o644);
        const moved = await moveWithoutOverwrite(source, path.join(root, 'archive'), 'f.pdf');
        expect(fs.statSync(moved).mode & 0o777).toBe(0o600);
        expect(fs.readFileSync(moved, 'utf8')).toBe('%PDF- across');
        expect(fs.readdirSync(path.join(root, 'archive'))).toEqual(['f.pdf']);
        expect(fs.existsSync(source)).toBe(false);
      } finally {
        fs.rmSync(drop, { recursive: true, force: true });
      }
    },
  );

  it.runIf(otherFileSystem)(
    'copies a file whose name is not UTF-8 across file-systems under the same bytes',
    async () => {
      const drop = fs.mkdtempSync('/dev/shm/tecsalud-drop-');
      try {
        // 'MUÑOZ' in Latin-1: Node shows the 0xD1 as U+FFFD, and no file has the name it shows.
        const raw = Buffer.concat([
          Buffer.from('3000000042_MU'),
          Buffer.from([0xd1]),
          Buffer.from('OZ LEAL, ANA_1_CONS.pdf'),
        ]);
        fs.writeFileSync(Buffer.concat([Buffer.from(`${drop}/`), raw]), '%PDF- latin1');
        const shown = raw.toString();
        const archive = path.join(root, 'archive');
        expect(await moveWithoutOverwrite(path.join(drop, shown), archive, shown)).toBe(
          path.join(archive, shown),
        );
        expect(fs.readdirSync(drop)).toEqual([]);
        expect(fs.readdirSync(archive, { encoding: 'buffer' })).toEqual([raw]);
        expect(fs.readFileSync(Buffer.concat([Buffer.from(`${archive}/`), raw]), 'utf8')).toBe(
          '%PDF- latin1',
        );
      } finally {
        fs.rmSync(drop, { recursive: true, force: true });
      }
    },
  );

  // Only root can make a file another account owns; the move then runs as the user nobody.
  it.runIf(process.getuid?.() === 0)(
    'copies a file it does not own (it can neither chmod nor safely link it) into one of its own',
    { tags: ['slow'] },
    () => {
      fs.chmodSync(root, 0o755);
      const drop = path.join(root, 'drop');
      fs.mkdirSync(drop, { mode: 0o777 });
      fs.chmodSync(drop, 0o777);
      const source = path.join(drop, 'f.pdf');
      fs.writeFileSync(source, '%PDF- theirs', { mode: 0o644 });
      const archive = path.join(root, 'archive');
      fs.mkdirSync(archive, { mode: 0o777 });
      fs.chmodSync(archive, 0o777);
      const script = `import(${JSON.stringify(path.join(REPO_ROOT, 'dist/ingest/move-file.js'))}).then((m) => m.moveWithoutOverwrite(${JSON.stringify(source)}, ${JSON.stringify(archive)}, 'f.pdf')).then((p) => console.log(p))`;
      const moved = execFileSync(
        'setpriv',
        ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script],
        {
          encoding: 'utf8',
        },
      ).trim();
      const stat = fs.statSync(moved);
      expect([stat.uid, stat.mode & 0o777]).toEqual([65534, 0o600]);
      expect(fs.readFileSync(moved, 'utf8')).toBe('%PDF- theirs');
      expect(fs.existsSync(source)).toBe(false);
    },
  );
});
