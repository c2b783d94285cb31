import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyDatabase,
  ID_CONFLICT_FILE,
  ingestSample,
  NAME_ONLY_FILE,
} from '../review/support/ingested-sample.js';
import type { DatabaseCopy, IngestedSample } from '../review/support/ingested-sample.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const RUN_CLI = path.join(ROOT, 'test/e2e/support/run-cli.ts');
const SOCKET = `tecsalud-e2e-${process.pid}`;
const PANE = 'review';

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-J', '-t', PANE);
}

/** Polls the pane until every pattern shows, instead of sleeping blindly. */
async function waitFor(...patterns: (RegExp | string)[]): Promise<string> {
  const deadline = Date.now() + 90_000;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (patterns.every((p) => (typeof p === 'string' ? last.includes(p) : p.test(last)))) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${patterns.map(String).join(' and ')}; the screen shows:\n${last}`);
}

function press(key: string): void {
  tmux('send-keys', '-t', PANE, '-l', key);
}

let sample: IngestedSample;
let copy: DatabaseCopy;

// Skipped only outside CI when tmux is missing; in CI (which installs tmux) a missing tmux fails.
describe.skipIf(!hasTmux() && !process.env.CI)('review in a real terminal (tmux, 80×24)', { tags: ['slow'] }, () => {
  beforeAll(async () => {
    sample = await ingestSample();
    copy = copyDatabase(sample.templateDb);
  });
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    copy?.cleanup();
    sample?.cleanup();
  });

  it('walks every review with keys and leaves the decisions and the audit trail in the database', async () => {
    const exitFile = `${copy.url}.exit`;
    const command = [
      `cd ${JSON.stringify(path.dirname(copy.url))}`,
      // Ink renders only a final frame when CI is set (is-in-ci); the admin's terminal has no CI.
      `env -u CI -u CONTINUOUS_INTEGRATION ${JSON.stringify(TSX)} --tsconfig ${JSON.stringify(path.join(ROOT, 'tsconfig.json'))} ${JSON.stringify(RUN_CLI)} ` +
        `review --user e2e-reviewer --db ${JSON.stringify(copy.url)}`,
      `echo $? > ${JSON.stringify(exitFile)}`,
      'echo REVIEW-EXITED',
      'sleep 120',
    ].join('; ');
    tmux('new-session', '-d', '-s', PANE, '-x', '80', '-y', '24', command);

    const seen = new Set<string>();
    for (let i = 0; i < 2; i++) {
      // A case is ready for keys once its text shows (keys pressed while it loads are ignored).
      const shown = await waitFor(`Review ${i + 1} of 2`, 'Document text (first lines)');
      if (shown.includes('!! ID CONFLICT')) {
        seen.add('conflict');
        expect(shown).toContain(ID_CONFLICT_FILE.slice(0, 30));
        expect(shown).toContain('◆ ID CONFLICT');
        press('n'); // refused: the expediente belongs to someone else
        await waitFor(/✗ expediente 3000576011 already belongs to/);
        press('r');
      } else {
        seen.add('name_only');
        expect(shown).toContain(NAME_ONLY_FILE.slice(0, 30));
        press('1');
        await waitFor(/✓ attached to 3000899337/);
        press('u'); // undo brings the same file back …
        await waitFor(/undid the attach/, `Review ${i + 1} of 2`, 'Document text (first lines)');
        press('1'); // … and the second attach is the one that stays
      }
    }
    expect(seen).toEqual(new Set(['conflict', 'name_only']));
    await waitFor('2 files walked: 1 attached, 0 new patients, 1 rejected, 0 skipped.');
    press('q');
    await waitFor('REVIEW-EXITED');
    expect(fs.readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(screen()).toContain('0 still pending');

    const database = await copy.open();
    try {
      const files = await database.db
        .selectFrom('batchFiles')
        .selectAll()
        .where('filename', 'in', [ID_CONFLICT_FILE, NAME_ONLY_FILE])
        .execute();
      const conflict = files.find((f) => f.filename === ID_CONFLICT_FILE)!;
      const nameOnly = files.find((f) => f.filename === NAME_ONLY_FILE)!;
      expect(conflict).toMatchObject({ matchingStatus: 'rejected', outcome: 'rejected', documentId: null });
      expect(nameOnly).toMatchObject({ matchingStatus: 'matched', outcome: 'ingested', extractedText: null });
      const document = await database.db
        .selectFrom('medicalDocuments')
        .selectAll()
        .where('id', '=', nameOnly.documentId!)
        .executeTakeFirstOrThrow();
      expect(document.expediente).toBe('3000899337');

      const audit = await database.db
        .selectFrom('auditLog')
        .select(['action', 'actor'])
        .where('actor', '=', 'e2e-reviewer')
        .orderBy('at')
        .orderBy('id')
        .execute();
      const actions = audit.map((a) => a.action);
      expect(actions.filter((a) => a === 'review_attached')).toHaveLength(2);
      expect(actions.filter((a) => a === 'review_undone')).toHaveLength(1);
      expect(actions.filter((a) => a === 'review_rejected')).toHaveLength(1);
      const session = await database.db
        .selectFrom('batchUploads')
        .selectAll()
        .where('id', '=', nameOnly.batchId)
        .executeTakeFirstOrThrow();
      expect(session.reviewRequired).toBe(0);
    } finally {
      await database.close();
    }
  }, 300_000); // a whole review through a real terminal; generous for a loaded CI machine
});
