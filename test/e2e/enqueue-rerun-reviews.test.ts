import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { readJsonLines } from '../support/json-lines.js';
import { copyDelivered, dateBack } from '../support/delivered-files.js';
import { SAMPLE_DIR } from '../support/ingest-fixture.js';
import { postgresWanted } from '../support/postgres.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';

/** The sample's files that fail before matching: `ingest --enqueue` fails them at registration, unqueued. */
const BROKEN = [
  'RIOS CORONADO CESAR CONS.pdf',
  '3000147773_BONILLA SEPÚLVEDA, ADRIANA_7000000002_RX.pdf',
  '3000899337_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_7000000000_URG.pdf',
];
/** Well named, with a %PDF- header, damaged past it: queued, and failed by the worker that reads them. */
const DAMAGED = ['6482601301', '6482601302', '6482601303'].map(
  (numero) => `3000016374_RÍOS CORONADO, CÉSAR_${numero}_LAB.pdf`,
);

/**
 * The nightly `ingest --enqueue` of a drop whose files still wait for review from the night before: no worker
 * takes them, a person does. The report must say so, as `status` does, instead of "0 files queued for the
 * workers. Start workers…" with `already_waiting: 0` in `--json`, and the worker that closes the session
 * must not sum it up as "0 to review".
 */
describe.runIf(postgresWanted())(
  'ingest --enqueue of a folder whose reviews still wait',
  { tags: ['slow'] },
  () => {
    let workspace: PostgresWorkspace;
    let waiting: number;

    beforeAll(async () => {
      workspace = await createPostgresWorkspace('tecsalud-enqueue-reviews-', (drop) =>
        copyDelivered(SAMPLE_DIR, drop),
      );
      const first = await runCli(
        ['ingest', 'drop', '--type', 'complete', '--non-interactive', '--json'],
        workspace,
      );
      // 3: the sample holds three broken files on purpose; two files wait for review.
      expect(first.code, first.stderr).toBe(3);
      waiting = (JSON.parse(first.stdout) as { review_required: number }).review_required;
      expect(waiting).toBeGreaterThan(0);
      // Those fail again at registration (exit 3, as `ingest`): in their place, three files only a worker finds
      // damaged, which the night's enqueue queues.
      for (const name of BROKEN) fs.rmSync(path.join(workspace.drop, name));
      DAMAGED.forEach((name, i) =>
        fs.writeFileSync(path.join(workspace.drop, name), `%PDF-1.4 damaged ${i}`),
      );
      for (const name of DAMAGED) dateBack(path.join(workspace.drop, name));
    }, 120_000);
    afterAll(() => workspace.cleanup());

    const enqueue = (...extra: string[]) =>
      runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', ...extra], workspace);

    it('counts them in --json as status does, and names the review that settles them', async () => {
      const report = await enqueue('--json');
      // 2, as `ingest DIR` exits for them: reviews wait (the damaged files queued count for nothing yet).
      expect(report.code, report.stderr).toBe(2);
      const json = JSON.parse(report.stdout) as {
        session_id: string;
        review_required: number;
        already_waiting: number;
      };
      expect(json).toMatchObject({ review_required: 0, already_waiting: waiting });
      const status = await runCli(['status', json.session_id, '--json'], workspace);
      expect(JSON.parse(status.stdout)).toMatchObject({ review_required: 0, already_waiting: waiting });

      const text = await enqueue('--lang', 'en');
      const short = /Session (\w{8})/.exec(text.stdout)?.[1];
      expect(text.stdout).toContain(
        `${waiting} files already waiting for review (the same content, held in an earlier session): ` +
          `settle them with \`tecsalud-batch review ${short}\`.`,
      );
      // The review it names walks them.
      const listed = await runCli(['review', short!, '--json'], workspace);
      expect((JSON.parse(listed.stdout) as { pending: unknown[] }).pending).toHaveLength(waiting);

      const spanish = await enqueue('--lang', 'es');
      expect(spanish.stdout).toContain(`${waiting} archivos ya esperan revisión`);
    }, 120_000);

    it('writes its session, jobs and those files to --log-file, as the cron line with --enqueue added expects', async () => {
      const run = await enqueue('--non-interactive', '--quiet', '--log-file', 'enqueue.log');
      expect(run.code, run.stderr).toBe(2);
      const sessionId = run.stdout.trim();
      const lines = readJsonLines(path.join(workspace.cwd, 'enqueue.log'));
      expect(lines.find((line) => line.event === 'session_enqueued')).toMatchObject({
        session_id: sessionId,
        resumed: true,
        already_waiting: waiting,
      });
      expect(fs.statSync(path.join(workspace.cwd, 'enqueue.log')).mode & 0o777).toBe(0o600);
    }, 120_000);

    it("the worker's closing line names them beside the session's own reviews", async () => {
      // The damaged files are queued: a worker fails them and closes the session.
      const worker = await runCli(
        ['worker', '--until-idle', '--concurrency', '2', '--lang', 'en'],
        workspace,
      );
      expect(worker.code, worker.stderr).toBe(0);
      expect(worker.stderr).toMatch(
        new RegExp(
          `session \\w{8} partially_failed: .*, 0 to review, ${waiting} already waiting for review from an earlier session`,
        ),
      );
      // Counted in words, as the journal of a systemd worker shows it (it read "3 file(s)").
      expect(worker.stderr).toMatch(/^worker \w{8} stopped: 3 files in \d+\.\d s$/m);
    }, 120_000);
  },
);
