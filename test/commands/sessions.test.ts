import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanUp, parseOlderThan } from '../../src/commands/cleanup.js';
import { listProcessingTypes } from '../../src/commands/processing-types.js';
import { listSessions } from '../../src/commands/sessions.js';
import type { CommandIo } from '../../src/commands/shared/io.js';
import { showStatus } from '../../src/commands/status.js';
import { commandContext } from '../support/command-context.js';
import { captureIo } from '../support/databases.js';
import {
  createWorkspace,
  importSampleRegistry,
  ingestJson,
  openWorkspaceDb,
  type Workspace,
} from '../support/ingest-fixture.js';

let template: Workspace;
let workspace: Workspace;
let sessionId: string;
// Ingest once; each test gets its own copy of the resulting database.
beforeAll(async () => {
  template = createWorkspace();
  await importSampleRegistry(template);
  sessionId = (await ingestJson(template)).report.session_id;
});
afterAll(() => template.cleanup());
beforeEach(() => {
  workspace = createWorkspace({ copySample: false });
  fs.copyFileSync(template.db, workspace.db);
});
afterEach(() => workspace.cleanup());

const context = (io?: CommandIo, now?: () => Date) =>
  commandContext({ db: workspace.db, cwd: workspace.root, io, now });

describe('status, sessions and processing-types', { tags: ['slow'] }, () => {
  it('reports a session by id prefix, with every file', async () => {
    const { io, stdout } = captureIo();
    await showStatus(sessionId.slice(0, 8), { json: true }, await context(io));
    const status = JSON.parse(stdout());
    expect(status).toMatchObject({
      session_id: sessionId,
      total_files: 23,
      processed_files: 23,
      failed_files: 3,
    });
    expect(status.files).toHaveLength(23);
    expect(status.processing_time).toBeGreaterThan(0);
  });

  it('lists sessions newest first and the processing types as the service does', async () => {
    const { io, stdout } = captureIo();
    await listSessions({ limit: '5', json: true }, await context(io));
    expect(JSON.parse(stdout())[0].session_id).toBe(sessionId);
    const types = captureIo();
    listProcessingTypes({ json: true }, { io: types.io });
    expect(JSON.parse(types.stdout()).map((t: { value: string }) => t.value)).toEqual([
      'vectorized',
      'complete',
      'both',
    ]);
  });
});

describe('cleanup', { tags: ['slow'] }, () => {
  it("removes a session's working state but keeps documents and pending reviews", async () => {
    const { io, stdout } = captureIo();
    await cleanUp(sessionId, { json: true }, await context(io));
    const report = JSON.parse(stdout());
    expect(report.removed_file_records).toBe(21);
    expect(report.kept_pending_reviews).toBe(2);
    const open = await openWorkspaceDb(workspace);
    try {
      expect((await open.db.selectFrom('medicalDocuments').selectAll().execute()).length).toBe(18);
      const audit = await open.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'session_cleaned')
        .execute();
      expect(audit).toHaveLength(1);
    } finally {
      await open.close();
    }
  });

  it('--older-than cleans only sessions finished before the cutoff; --purge deletes documents and vectors', async () => {
    const old = captureIo();
    await cleanUp(undefined, { olderThan: '7d', json: true }, await context(old.io));
    expect(JSON.parse(old.stdout()).sessions).toEqual([]);
    const now = captureIo();
    // A minute on, the session finished more than 0 minutes ago.
    const later = () => new Date(Date.now() + 60_000);
    await cleanUp(undefined, { olderThan: '0m', json: true }, await context(now.io, later));
    expect(JSON.parse(now.stdout()).sessions.map((s: { session_id: string }) => s.session_id)).toEqual([
      sessionId,
    ]);
    const purge = captureIo();
    // Six years on, past the 5-year retention of clinical records (see the retention tests below).
    const sixYearsOn = () => new Date(Date.now() + 6 * 366 * 86_400_000);
    await cleanUp(sessionId, { purge: true, json: true }, await context(purge.io, sixYearsOn));
    expect(JSON.parse(purge.stdout())).toMatchObject({ purged_documents: 18, purged_within_retention: 0 });
    const open = await openWorkspaceDb(workspace);
    try {
      expect(await open.db.selectFrom('medicalDocuments').selectAll().execute()).toEqual([]);
    } finally {
      await open.close();
    }
  });

  it('--purge refuses documents within the 5-year retention, says until when, and audits the refusal', async () => {
    const ingestedAt = new Date();
    const almostFiveYears = () => new Date(ingestedAt.getTime() + 4 * 365 * 86_400_000);
    const refused = cleanUp(sessionId, { purge: true }, await context(undefined, almostFiveYears));
    const fiveYearsOn = new Date(ingestedAt);
    fiveYearsOn.setUTCFullYear(fiveYearsOn.getUTCFullYear() + 5);
    await expect(refused).rejects.toMatchObject({
      exitCode: 64,
      message: expect.stringMatching(
        new RegExp(
          `^18 of the 18 documents .* 5-year retention .* purged from ${fiveYearsOn.toISOString().slice(0, 7)}`,
        ),
      ),
      hint: expect.stringContaining('--force'),
    });
    const open = await openWorkspaceDb(workspace);
    try {
      expect(await open.db.selectFrom('medicalDocuments').selectAll().execute()).toHaveLength(18);
      const [audit] = await open.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'session_purge_refused')
        .execute();
      expect(JSON.parse(audit!.details!)).toMatchObject({
        documents: 18,
        within_retention: 18,
        retention_years: 5,
      });
      expect(
        await open.db.selectFrom('auditLog').selectAll().where('action', '=', 'session_purged').execute(),
      ).toEqual([]);
    } finally {
      await open.close();
    }
  });

  it('--purge --force deletes documents within the retention and the audit log says so', async () => {
    const { io, stdout } = captureIo();
    await cleanUp(sessionId, { purge: true, force: true, json: true }, await context(io));
    expect(JSON.parse(stdout())).toMatchObject({ purged_documents: 18, purged_within_retention: 18 });
    const open = await openWorkspaceDb(workspace);
    try {
      expect(await open.db.selectFrom('medicalDocuments').selectAll().execute()).toEqual([]);
      const [audit] = await open.db
        .selectFrom('auditLog')
        .selectAll()
        .where('action', '=', 'session_purged')
        .execute();
      expect(JSON.parse(audit!.details!)).toMatchObject({
        forced: true,
        purged_within_retention: 18,
        retention_years: 5,
      });
    } finally {
      await open.close();
    }
  });

  it('a blank or wildcard session id names no session: nothing is cleaned or purged', async () => {
    for (const id of [' ', '%', '_', '%%%%']) {
      await expect(cleanUp(id, { purge: true, force: true }, await context())).rejects.toMatchObject({
        exitCode: 64,
        message: `'${id}' is not a session id`,
        hint: expect.stringContaining('tecsalud-batch sessions'),
      });
      await expect(showStatus(id, {}, await context())).rejects.toMatchObject({ exitCode: 64 });
    }
    const open = await openWorkspaceDb(workspace);
    try {
      expect(await open.db.selectFrom('medicalDocuments').selectAll().execute()).toHaveLength(18);
      expect(await open.db.selectFrom('batchFiles').selectAll().execute()).toHaveLength(23);
    } finally {
      await open.close();
    }
  });

  it('an empty session id (status "$ID" with ID unset) is refused, not read as \'the latest session\'', async () => {
    const refusal = {
      exitCode: 64,
      message: "the session id is empty ('')",
      hint: expect.stringContaining('leave it out for the latest session'),
    };
    await expect(showStatus('', { json: true }, await context())).rejects.toMatchObject(refusal);
    await expect(cleanUp('', { purge: true, force: true }, await context())).rejects.toThrow(
      /name a session, or give --older-than/,
    );
    // Left out, it is the latest session, as before.
    const { io, stdout } = captureIo();
    await showStatus(undefined, { json: true }, await context(io));
    expect(JSON.parse(stdout())).toMatchObject({ session_id: sessionId });
  });

  it('explains bad arguments', async () => {
    await expect(cleanUp(undefined, {}, await context())).rejects.toThrow(
      /name a session, or give --older-than/,
    );
    await expect(cleanUp(sessionId, { force: true }, await context())).rejects.toThrow(
      /--force only applies to --purge/,
    );
    expect(() => parseOlderThan('soon')).toThrow(/not a duration/);
    expect(parseOlderThan('7d')).toBe(7 * 86_400_000);
    // Past any date a clock holds: said, not a RangeError with a stack trace (exit 70).
    for (const age of ['99999999999999d', `${'9'.repeat(400)}d`]) {
      expect(() => parseOlderThan(age)).toThrow(
        expect.objectContaining({ exitCode: 64, message: expect.stringMatching(/is too long$/) }),
      );
    }
    expect(parseOlderThan('36500d')).toBe(36_500 * 86_400_000);
    // The units and decimals --expires takes are taken here too (one reading for both flags).
    expect(parseOlderThan('1y')).toBe(365 * 86_400_000);
    expect(parseOlderThan('1.5d')).toBe(1.5 * 86_400_000);
    expect(parseOlderThan('0d')).toBe(0);
  });
});
