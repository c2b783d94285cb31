import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-binary.js';
import { copyDelivered, dateBack } from '../support/delivered-files.js';
import { FIXTURES, SAMPLE_DIR } from '../support/ingest-fixture.js';
import { postgresWanted } from '../support/postgres.js';
import { createPostgresWorkspace, type PostgresWorkspace } from '../support/postgres-workspace.js';

/** The sample's files that fail on purpose: no worker would settle them either way, so they are left out. */
const BROKEN = [
  'RIOS CORONADO CESAR CONS.pdf',
  '3000147773_BONILLA SEPÚLVEDA, ADRIANA_7000000002_RX.pdf',
  '3000899337_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_7000000000_URG.pdf',
];
/** An encrypted PDF under a good name: it fails `encrypted`, which the next run settles from memory, unread. */
const ENCRYPTED = '3000768077_HUERTA SOTO, GABRIELA_6999999999_LAB.pdf';

/**
 * A cron line of `ingest --enqueue` reads its exit code as that of `ingest DIR`: files it settles as found
 * that failed (3) or wait for review (2) are news for IT even though nothing was queued; the files it queues
 * are not, until the workers settle them.
 */
describe.runIf(postgresWanted())('ingest --enqueue exit codes', { tags: ['slow'] }, () => {
  let workspace: PostgresWorkspace;
  let waiting: number;

  beforeAll(async () => {
    workspace = await createPostgresWorkspace('tecsalud-enqueue-exit-', (drop) => {
      copyDelivered(SAMPLE_DIR, drop);
      for (const name of BROKEN) fs.rmSync(path.join(drop, name));
      fs.copyFileSync(path.join(FIXTURES, 'problem-pdfs', 'encrypted.pdf'), path.join(drop, ENCRYPTED));
      dateBack(path.join(drop, ENCRYPTED));
    });
    const first = await runCli(
      ['ingest', 'drop', '--type', 'complete', '--non-interactive', '--json'],
      workspace,
    );
    expect(first.code, first.stderr).toBe(3);
    const report = JSON.parse(first.stdout) as { failed_files: number; review_required: number };
    expect(report.failed_files).toBe(1);
    waiting = report.review_required;
    expect(waiting).toBeGreaterThan(0);
  }, 120_000);
  afterAll(() => workspace.cleanup());

  const enqueue = (...extra: string[]) =>
    runCli(['ingest', 'drop', '--enqueue', '--type', 'complete', '--lang', 'en', ...extra], workspace);

  it('exits 3 when a file settled as found failed, and says which command shows it, with nothing queued', async () => {
    const json = await enqueue('--json');
    expect(json.code, json.stderr).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({
      jobs_queued: 0,
      failed_files: 1,
      already_waiting: waiting,
    });

    const text = await enqueue();
    expect(text.code, text.stderr).toBe(3);
    const short = /Session (\w{8})/.exec(text.stdout)?.[1];
    expect(text.stdout).toContain(`1 file failed: \`tecsalud-batch status ${short} --files\` shows why.`);
    const spanish = await enqueue('--lang', 'es');
    expect(spanish.stdout).toMatch(
      /1 archivo falló: `tecsalud-batch status \w{8} --files` muestra por qué\./,
    );
  }, 120_000);

  it('exits 2 when every file is settled as found and some wait for review', async () => {
    fs.rmSync(path.join(workspace.drop, ENCRYPTED));
    const run = await enqueue('--json');
    expect(run.code, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      jobs_queued: 0,
      failed_files: 0,
      already_waiting: waiting,
    });
  }, 120_000);

  it('files queued for the workers do not change the code: 2 while those reviews wait', async () => {
    // A new name for a PDF (only a worker reads its bytes): queued, not settled as found.
    const named = '3000016374_RÍOS CORONADO, CÉSAR_6482601299_CONS.pdf';
    copyDelivered(
      path.join(SAMPLE_DIR, '3000016374_RÍOS CORONADO, CÉSAR_6482601207_CONS.pdf'),
      path.join(workspace.drop, named),
    );
    const run = await enqueue('--quiet');
    expect(run.code, run.stderr).toBe(2);
    const status = await runCli(['status', run.stdout.trim(), '--json'], workspace);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'processing', failed_files: 0 });
  }, 120_000);

  it('exits 3 for a file that fails at registration as `ingest DIR` fails it, with no job', async () => {
    copyDelivered(path.join(SAMPLE_DIR, BROKEN[0]!), path.join(workspace.drop, BROKEN[0]!));
    const run = await enqueue('--json');
    expect(run.code, run.stderr).toBe(3);
    const report = JSON.parse(run.stdout) as { jobs_queued: number; failed_files: number; files: unknown[] };
    expect(report).toMatchObject({ jobs_queued: 0, failed_files: 1 });
    expect(report.files).toContainEqual(
      expect.objectContaining({ path: BROKEN[0], outcome: 'invalid_name' }),
    );
  }, 120_000);
});
