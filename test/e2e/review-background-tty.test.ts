// `review &` typed at a prompt with job control (the built CLI in tmux, from an interactive bash): walking the
// reviews needs the terminal, which a background job cannot take. It says so and why it waits, stops until `fg`,
// and then walks the reviews as if started in the foreground.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../support/cli-binary.js';
import { hasTmux, pastKeyGuardOf } from '../support/tmux-pane.js';
import { copyDatabase, ingestSample, type IngestedSample } from '../review/support/ingested-sample.js';

const SOCKET = `tecsalud-review-background-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'pane');

async function waitFor(pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    last = screen();
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${String(pattern)}; the screen shows:\n${last}`);
}

/** Types a line at the prompt. */
function enter(line: string): void {
  tmux('send-keys', '-t', 'pane', '-l', line);
  tmux('send-keys', '-t', 'pane', 'Enter');
}

let sample: IngestedSample;

describe.skipIf(!hasTmux() && !process.env.CI)(
  'review started in the background (tmux, bash with job control)',
  { tags: ['slow'] },
  () => {
    beforeAll(async () => {
      sample = await ingestSample();
    }, 120_000);
    afterAll(() => {
      try {
        tmux('kill-server');
      } catch {
        // never started, or already gone
      }
      sample?.cleanup();
    });

    for (const [lang, waits, walks] of [
      [
        'en',
        /review waits: walking the reviews needs the terminal in the foreground\. Bring it there with `fg`/,
        /^Review 1 of 2/m,
      ],
      [
        'es',
        /la revisión espera: recorrer las revisiones requiere la terminal en primer plano\. Tráigala con `fg`/,
        /^Revisión 1 de 2/m,
      ],
    ] as const) {
      it(`says why it waits (${lang}), stops until fg, then walks the reviews`, async () => {
        const copy = copyDatabase(sample.templateDb);
        try {
          tmux(
            'new-session',
            '-d',
            '-s',
            'pane',
            '-x',
            '120',
            '-y',
            '30',
            'env PS1="$ " bash --norc --noprofile -i',
          );
          // Ink renders only a final frame when CI is set; the admin's terminal has no CI.
          enter(
            `clear; cd ${JSON.stringify(sample.sourceDir)}; env -u CI node ${JSON.stringify(BIN)} review --user e2e ` +
              `--lang ${lang} --db ${JSON.stringify(copy.url)} &`,
          );
          await waitFor(/review waits|la revisión espera/);
          // bash tells of a job's stop before its next prompt: `jobs` asks.
          let waiting = screen();
          for (let tries = 0; tries < 40 && !/Stopped/.test(waiting); tries++) {
            enter('jobs');
            await new Promise((resolve) => setTimeout(resolve, 500));
            waiting = screen();
          }
          expect(waiting).toMatch(/Stopped/);
          expect(waiting.replace(/\s+/g, ' ')).toMatch(waits);
          expect(waiting).not.toMatch(walks);
          enter('fg');
          await waitFor(walks);
          await pastKeyGuardOf(screen);
          tmux('send-keys', '-t', 'pane', '-l', 'q');
          await waitFor(/^\$\s*$/m);
          enter('echo EXITED $?');
          expect(await waitFor(/^EXITED \d+/m)).toMatch(/^EXITED 2$/m);
        } finally {
          tmux('kill-server');
          copy.cleanup();
        }
      }, 120_000);
    }
  },
);
