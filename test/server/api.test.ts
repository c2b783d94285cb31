import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/app/api-tokens.js';
import { AuditRepository } from '../../src/db/repositories/audit-repository.js';
import { withClaim } from '../../src/review/decision-claim.js';
import {
  ingestJson,
  openWorkspaceDb,
  SAMPLE_DIR,
  createWorkspace,
  importSampleRegistry,
} from '../support/ingest-fixture.js';
import {
  bearer,
  filesForm,
  readEvents,
  sampleFile,
  startTestServer,
  type TestServer,
} from '../support/api-server.js';

const SAMPLE = fs.readdirSync(SAMPLE_DIR).sort();
const NOT_PDF = '3000899337_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_7000000000_URG.pdf';
const EMPTY = '3000147773_BONILLA SEPÚLVEDA, ADRIANA_7000000002_RX.pdf';
const HOMONYM = '3000312954_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_EMER.pdf';
const ID_CONFLICT = '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf';

interface StatusFile {
  file_id: string;
  filename: string;
  patient_matching_status: string;
  matching_confidence: number | null;
  processing_status: string;
  review_required: boolean;
  outcome: string | null;
  document_id: string | null;
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as T;
}

describe('the HTTP API, driven over HTTP as the hospital front end uses it', { tags: ['slow'] }, () => {
  let server: TestServer;
  let admin: string;
  let uploader: string;
  let viewer: string;
  beforeAll(async () => {
    server = await startTestServer();
    [admin, uploader, viewer] = await Promise.all([
      server.token('admin'),
      server.token('uploader'),
      server.token('viewer'),
    ]);
  });
  afterAll(async () => server?.stop());

  const post = (route: string, token: string, body?: unknown) =>
    fetch(`${server.base}${route}`, {
      method: 'POST',
      headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const get = (route: string, token?: string) =>
    fetch(`${server.base}${route}`, { headers: token ? bearer(token) : {} });
  const upload = (sessionId: string, token: string, files: Parameters<typeof filesForm>[0]) =>
    fetch(`${server.base}/${sessionId}/upload`, {
      method: 'POST',
      headers: bearer(token),
      body: filesForm(files),
    });
  const newSession = async (processingType = 'both') => {
    const response = await post('/create-session', uploader, {
      processing_type: processingType,
      uploaded_by: 'dra. lopez',
    });
    expect(response.status).toBe(200);
    return (await json<{ session_id: string }>(response)).session_id;
  };

  it('answers /health without a token, and lists the processing types with the service’s labels', async () => {
    const health = await get('/health');
    expect(health.status).toBe(200);
    expect(await json(health)).toMatchObject({
      status: 'healthy',
      batch_service: 'healthy',
      database: 'healthy',
      chroma: 'not_used',
    });
    const types = await json<{ processing_types: { value: string; label: string }[] }>(
      await get('/processing-types', viewer),
    );
    expect(types.processing_types.map((t) => [t.value, t.label])).toEqual([
      ['vectorized', 'Vectorized Only'],
      ['complete', 'Complete Storage'],
      ['both', 'Both'],
    ]);
  });

  it('refuses a call without a valid token (401) or with too low a role (403), as JSON', async () => {
    const none = await get('/processing-types');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await json(none)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const unknown = await get('/processing-types', 'tsb_not-a-real-token');
    expect(unknown.status).toBe(401);
    expect((await json<{ message: string }>(unknown)).message).toMatch(/not known/);

    const asViewer = await post('/create-session', viewer, { processing_type: 'both', uploaded_by: 'x' });
    expect(asViewer.status).toBe(403);
    expect((await json<{ message: string }>(asViewer)).message).toMatch(
      /role viewer; this call needs uploader: call it with a token of that role, .*tokens create --name NAME --role uploader/,
    );
    const sessionId = await newSession();
    const cleanup = await fetch(`${server.base}/${sessionId}/cleanup`, {
      method: 'DELETE',
      headers: bearer(uploader),
    });
    expect(cleanup.status).toBe(403);
    const decision = await post(`/${sessionId}/review/anything/decision`, uploader, { action: 'reject' });
    expect(decision.status).toBe(403);
  });

  it('refuses a revoked token at once, and an expired one once its time has passed', async () => {
    const location = { db: server.workspace.db, cwd: server.workspace.root };
    const { token } = await createApiToken(location, {
      name: 'short-lived',
      role: 'viewer',
      createdBy: 'test',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect((await get('/processing-types', token)).status).toBe(200);
    server.advanceClock(2 * 3_600_000);
    const expired = await get('/processing-types', token);
    expect(expired.status).toBe(401);
    expect((await json<{ message: string }>(expired)).message).toMatch(/expired/);

    const { token: other } = await createApiToken(location, {
      name: 'to-revoke',
      role: 'viewer',
      createdBy: 'test',
      expiresAt: null,
    });
    expect((await get('/processing-types', other)).status).toBe(200);
    await revokeApiToken(location, 'to-revoke', 'test');
    expect((await get('/processing-types', other)).status).toBe(401);
  });

  it('publishes OpenAPI 3 with every route, and a docs page whose assets it serves itself', async () => {
    const openapi = await json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      await fetch(`${server.running.url}/api/v1/openapi.json`),
    );
    expect(openapi.openapi).toMatch(/^3\./);
    const p = (route: string) => `/api/v1/documents/batch${route}`;
    expect(Object.keys(openapi.paths).sort()).toEqual(
      [
        p('/create-session'),
        p('/{session_id}/upload'),
        p('/{session_id}/process'),
        p('/{session_id}/status'),
        p('/{session_id}/review'),
        p('/{session_id}/review/{file_id}/decision'),
        p('/{session_id}/events'),
        p('/{session_id}/cleanup'),
        p('/{session_id}/discard'),
        p('/processing-types'),
        p('/health'),
      ].sort(),
    );
    expect(Object.keys(openapi.paths[p('/{session_id}/upload')]!.post as object)).toContain('requestBody');

    const page = await fetch(`${server.running.url}/api/v1/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset, 'served from this server, not a CDN').not.toMatch(/^(https?:)?\/\//);
      const served = await fetch(new URL(asset, `${server.running.url}/api/v1/docs/`));
      expect(served.status, asset).toBe(200);
    }
    // The page may load from this server alone, over the scheme it was served with: plain HTTP on a LAN
    // (before the TLS proxy) must not have its scripts fetched over https, and no other host is reachable
    // from a hospital network without Internet access.
    // An asset the page does not have is 404, as an unknown path is (it was 405: "GET … takes GET, HEAD").
    const missing = await fetch(`${server.running.url}/api/v1/docs/static/no-such-asset.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe(
      "no route GET /api/v1/docs/static/no-such-asset.js: the API's routes are listed at /api/v1/docs",
    );
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/default-src 'self'/);
    expect(policy).not.toMatch(/upgrade-insecure-requests|https:|validator\.swagger\.io/);
  });

  it('runs the whole workflow: create, upload, process, status, review, decide, clean up — with the outcomes of `ingest`', async () => {
    const badBody = await post('/create-session', uploader, {
      processing_type: 'everything',
      uploaded_by: 'x',
    });
    expect(badBody.status).toBe(400);
    const sessionId = await newSession();

    const uploaded = await upload(sessionId, uploader, [
      ...SAMPLE.map((name) => ({ name, bytes: sampleFile(name) })),
      { name: 'notes.txt', bytes: 'not a pdf' },
    ]);
    expect(uploaded.status).toBe(200);
    const body = await json<{
      total_files: number;
      parsing_success_rate: number;
      uploaded_files: {
        filename: string;
        parsed: boolean;
        patient_id: string | null;
        patient_name: string | null;
        size: number;
      }[];
      failed_files: { filename: string; status_code: number }[];
    }>(uploaded);
    expect(body.total_files).toBe(SAMPLE.length + 1);
    expect(body.uploaded_files).toHaveLength(SAMPLE.length - 2);
    expect(body.failed_files.map((f) => [f.filename, f.status_code]).sort()).toEqual(
      [
        [NOT_PDF, 400],
        [EMPTY, 400],
        ['notes.txt', 415],
      ].sort(),
    );
    expect(body.parsing_success_rate).toBeCloseTo(20 / 21, 3);
    const homonym = body.uploaded_files.find((f) => f.filename === HOMONYM)!;
    expect(homonym).toMatchObject({
      parsed: true,
      patient_id: '3000312954',
      patient_name: 'MARTÍNEZ MEJÍA, FRANCISCO JAVIER',
    });
    expect(body.uploaded_files.find((f) => f.filename === 'RIOS CORONADO CESAR CONS.pdf')).toMatchObject({
      parsed: false,
      patient_id: null,
    });

    // Uploads are kept owner-only, under names that are not the client's.
    const sessionDir = path.join(server.uploadDir, sessionId);
    expect(fs.statSync(sessionDir).mode & 0o777).toBe(0o700);
    const stored = fs.readdirSync(sessionDir);
    expect(stored).toHaveLength(SAMPLE.length - 2);
    for (const name of stored) {
      expect(name).toMatch(/^[0-9a-f]{40}\.pdf$/);
      expect(fs.statSync(path.join(sessionDir, name)).mode & 0o777).toBe(0o600);
    }

    // The same names again: nothing is taken, and the answer says why with the first failure's status.
    const again = await upload(sessionId, uploader, [{ name: HOMONYM, bytes: sampleFile(HOMONYM) }]);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({
      statusCode: 409,
      failed_files: [{ filename: HOMONYM, status_code: 409 }],
    });

    const processed = await post(`/${sessionId}/process`, uploader);
    expect(processed.status).toBe(200);
    const summary = await json<Record<string, unknown>>(processed);

    // The same files through `ingest DIR`: the same outcomes, file by file.
    const reference = createWorkspace();
    try {
      await importSampleRegistry(reference);
      fs.rmSync(path.join(reference.dropDir, NOT_PDF));
      fs.rmSync(path.join(reference.dropDir, EMPTY));
      const { report } = await ingestJson(reference);
      expect(summary).toMatchObject({
        session_id: sessionId,
        total_files: report.total_files,
        processed_files: report.processed_files,
        failed_files: report.failed_files,
        created_patients: report.created_patients,
        matched_patients: report.matched_patients,
        review_required: report.review_required,
        status: 'completed',
        detailed_status: 'partially_failed',
      });
      expect(summary.processing_time).toEqual(expect.any(Number));
      const status = await json<{
        status: string;
        uploaded_by: string;
        processing_type: string;
        files: StatusFile[];
      }>(await get(`/${sessionId}/status`, viewer));
      expect(status).toMatchObject({
        status: 'completed',
        uploaded_by: 'dra. lopez',
        processing_type: 'both',
      });
      const outcomes = (files: { filename: string; outcome: string | null }[]) =>
        Object.fromEntries(files.map((f) => [f.filename, f.outcome]).sort());
      expect(outcomes(status.files)).toEqual(outcomes(report.files));
    } finally {
      reference.cleanup();
    }

    const review = await json<{
      review_required_count: number;
      files_requiring_review: {
        file_id: string;
        filename: string;
        parsed_patient_id: string;
        matching_details: string;
      }[];
    }>(await get(`/${sessionId}/review`, viewer));
    expect(review.files_requiring_review.map((f) => f.filename).sort()).toEqual(
      [HOMONYM, ID_CONFLICT].sort(),
    );
    expect(review.review_required_count).toBe(2);
    const byName = new Map(review.files_requiring_review.map((f) => [f.filename, f]));
    const homonymCase = byName.get(HOMONYM)!;
    const details = JSON.parse(homonymCase.matching_details) as {
      algorithm: string;
      candidates: { expediente: string; risks: string[] }[];
      new_patient_risk: unknown;
    };
    expect(details.algorithm).toEqual(expect.any(String));
    expect(details.candidates.map((c) => c.expediente)).toContain('3000899337');
    // What the terminal review would ask a second look for, listed with the case for the client to show: the
    // homonym's document states another birth date and expediente than the registered namesake's.
    expect(details.candidates.find((c) => c.expediente === '3000899337')!.risks).toEqual(
      expect.arrayContaining(['birth_date_contradicts', 'expediente_contradicts']),
    );
    expect(details.new_patient_risk).toBeNull();
    const conflictDetails = JSON.parse(byName.get(ID_CONFLICT)!.matching_details) as typeof details & {
      content: { verdict: string; identity: { expediente: string; nombre_completo: string } } | null;
    };
    expect(conflictDetails.candidates.find((c) => c.expediente === '3000576011')!.risks).toEqual(
      expect.arrayContaining(['id_conflict', 'name_contradicts']),
    );
    // Whom the document's own text names, as `review --json` says it: its row among the candidates alone reads as
    // the weakest match (the filename's leads), so a client that showed only the candidates hid the evidence.
    expect(conflictDetails.content).toMatchObject({
      verdict: 'contradicts',
      identity: { expediente: '3000147773', nombre_completo: 'BONILLA SEPÚLVEDA, ADRIANA' },
    });
    expect((JSON.parse(homonymCase.matching_details) as typeof conflictDetails).content).toMatchObject({
      verdict: 'agrees',
      identity: { expediente: '3000312954' },
    });

    // The terminal review's rules: a new patient on an expediente that belongs to someone is refused.
    const conflict = byName.get(ID_CONFLICT)!;
    const refused = await post(`/${sessionId}/review/${conflict.file_id}/decision`, admin, {
      action: 'new_patient',
    });
    expect(refused.status).toBe(422);
    expect((await json<{ message: string }>(refused)).message).toMatch(/already belongs to/);
    const notCandidate = await post(`/${sessionId}/review/${homonymCase.file_id}/decision`, admin, {
      action: 'attach',
      expediente: '3000768077',
    });
    expect(notCandidate.status).toBe(422);
    const noExpediente = await post(`/${sessionId}/review/${homonymCase.file_id}/decision`, admin, {
      action: 'attach',
    });
    expect(noExpediente.status).toBe(400);

    const attached = await post(`/${sessionId}/review/${homonymCase.file_id}/decision`, admin, {
      action: 'attach',
      expediente: '3000899337',
    });
    expect(attached.status).toBe(200);
    const first = await json<{ document_id: string }>(attached);
    expect(first).toMatchObject({
      action: 'attach',
      patient_matching_status: 'matched',
      processing_status: 'completed',
      document_id: expect.any(String),
    });
    // The client's network retry of that very decision: answered as done, nothing done twice (one document, one
    // audit entry: see below); a different decision on the decided file is refused, saying what stands.
    const documentsOf = async () => {
      const database = await openWorkspaceDb(server.workspace);
      try {
        return await database.db
          .selectFrom('medicalDocuments')
          .select('id')
          .where('batchId', '=', sessionId)
          .execute();
      } finally {
        await database.close();
      }
    };
    const documentsBefore = await documentsOf();
    const retried = await post(`/${sessionId}/review/${homonymCase.file_id}/decision`, admin, {
      action: 'attach',
      expediente: '3000899337',
    });
    expect(retried.status).toBe(200);
    expect(await json(retried)).toEqual({
      ...first,
      message:
        'already decided the same way by test-admin (attached to expediente 3000899337): nothing changed',
    });
    expect(await documentsOf()).toEqual(documentsBefore);
    for (const different of [
      { action: 'reject' },
      { action: 'attach', expediente: '3000312954' },
      { action: 'new_patient' },
    ]) {
      const refusedNow = await post(`/${sessionId}/review/${homonymCase.file_id}/decision`, admin, different);
      expect(refusedNow.status, different.action).toBe(409);
      expect((await json<{ message: string }>(refusedNow)).message).toMatch(
        /^the file was already decided in review by test-admin \(attached to expediente 3000899337\): this different decision was not applied, nothing changed; .*`tecsalud-batch documents move ID --to EXPEDIENTE`/,
      );
    }
    expect(await documentsOf()).toEqual(documentsBefore);
    // A terminal review sitting is deciding the file right now: the client is told so (409), nothing changes.
    const claimed = await openWorkspaceDb(server.workspace);
    try {
      // The documents the server stored, processed and attached in review, name the collection of their chunks.
      const stored = await claimed.db
        .selectFrom('medicalDocuments')
        .select(['collection', 'vectorized'])
        .where('batchId', '=', sessionId)
        .execute();
      expect(stored.length).toBeGreaterThan(1);
      expect(new Set(stored.map((row) => [row.vectorized, row.collection].join(' ')))).toEqual(
        new Set(['1 medical_documents']),
      );
      const file = () =>
        claimed.db.selectFrom('batchFiles').select('matchingDetails').where('id', '=', conflict.file_id);
      const { matchingDetails } = await file().executeTakeFirstOrThrow();
      const claim = {
        sitting: 'terminal',
        by: 'admin-terminal',
        host: os.hostname(),
        pid: process.pid,
        at: new Date().toISOString(),
      };
      const setDetails = (details: string | null) =>
        claimed.db
          .updateTable('batchFiles')
          .set({ matchingDetails: details })
          .where('id', '=', conflict.file_id)
          .execute();
      await setDetails(withClaim(matchingDetails, claim));
      const beingDecided = await post(`/${sessionId}/review/${conflict.file_id}/decision`, admin, {
        action: 'reject',
      });
      expect(beingDecided.status).toBe(409);
      expect((await json<{ message: string }>(beingDecided)).message).toBe(
        'admin-terminal is deciding this file in another review sitting; nothing changed',
      );
      expect(await file().executeTakeFirstOrThrow()).toEqual({
        matchingDetails: withClaim(matchingDetails, claim),
      });
      await setDetails(matchingDetails);
    } finally {
      await claimed.close();
    }
    const rejected = await post(`/${sessionId}/review/${conflict.file_id}/decision`, admin, {
      action: 'reject',
    });
    expect(rejected.status).toBe(200);
    // Who can bring the content back, for the client: the API has no route to reopen a rejection.
    const afterReject = await json<{ files: { file_id: string; error_message: string | null }[] }>(
      await get(`/${sessionId}/status`, viewer),
    );
    expect(afterReject.files.find((f) => f.file_id === conflict.file_id)?.error_message).toMatch(
      /^rejected in review by test-admin; later runs set the same content aside until the records team reopens it \(`tecsalud-batch review --reopen \w{8}`\)$/,
    );
    const rejectedAgain = await post(`/${sessionId}/review/${conflict.file_id}/decision`, admin, {
      action: 'reject',
    });
    expect(rejectedAgain.status).toBe(200);
    expect((await json<{ message: string }>(rejectedAgain)).message).toBe(
      'already decided the same way by test-admin (rejected): nothing changed',
    );
    const attachRejected = await post(`/${sessionId}/review/${conflict.file_id}/decision`, admin, {
      action: 'attach',
      expediente: '3000576011',
    });
    expect(attachRejected.status).toBe(409);
    expect((await json<{ message: string }>(attachRejected)).message).toMatch(
      /^the file was already decided in review by test-admin \(rejected\): .*`tecsalud-batch review --reopen \w{8}` puts it back in review$/,
    );
    // Not a file id at all: the client's to fix (400), as a session id; an id the session does not hold: 404.
    expect((await post(`/${sessionId}/review/not-a-file/decision`, admin, { action: 'reject' })).status).toBe(
      400,
    );
    expect(
      (await post(`/${sessionId}/review/${sessionId}/decision`, admin, { action: 'reject' })).status,
    ).toBe(404);
    expect(
      (await json<{ review_required_count: number }>(await get(`/${sessionId}/review`, viewer)))
        .review_required_count,
    ).toBe(0);

    // A processed session takes no more files.
    const late = await upload(sessionId, uploader, [
      { name: '3000768077_HUERTA SOTO, GABRIELA_6380098786_LAB.pdf', bytes: sampleFile(HOMONYM) },
    ]);
    expect(late.status).toBe(409);

    const cleaned = await fetch(`${server.base}/${sessionId}/cleanup`, {
      method: 'DELETE',
      headers: bearer(admin),
    });
    expect(cleaned.status).toBe(200);
    expect((await json<{ message: string }>(cleaned)).message).toMatch(/cleaned up/);
    expect(fs.existsSync(sessionDir)).toBe(false);
    expect((await get(`/${sessionId}/status`, viewer)).status).toBe(200);

    // Every call that changed something is audited with the token's name and the client's address.
    const database = await openWorkspaceDb(server.workspace);
    try {
      const rows = await new AuditRepository(database.db).list({ batchId: sessionId, limit: 500 });
      const api = rows.filter((r) => r.action.startsWith('api_'));
      expect(new Set(api.map((r) => r.action))).toEqual(
        new Set([
          'api_session_created',
          'api_files_uploaded',
          'api_session_processed',
          'api_review_decision',
          'api_session_cleaned',
        ]),
      );
      for (const row of api) {
        expect(['test-uploader', 'test-admin']).toContain(row.actor);
        expect(row).toMatchObject({ actorKind: 'token', client: '127.0.0.1', sessionId });
      }
      const decisions = api
        .filter((r) => r.action === 'api_review_decision')
        .map((r) => ({ fileId: r.fileId, ...(JSON.parse(r.details!) as { decision: string }) }));
      expect(decisions.map((d) => [d.fileId, d.decision]).sort()).toEqual(
        [
          [homonymCase.file_id, 'attach'],
          [conflict.file_id, 'reject'],
        ].sort(),
      );
      // The review service's own rows name the token as the reviewer.
      expect(rows.find((r) => r.action === 'review_attached')?.actor).toBe('test-admin');
      // So do the processing's (documents ingested, patients created, the session completed): the token that
      // created the session, never the client's free-text uploaded_by passed off as an OS account.
      const processing = rows.filter((r) =>
        ['document_ingested', 'patient_created', 'session_completed'].includes(r.action),
      );
      expect(new Set(processing.map((r) => r.action))).toContain('document_ingested');
      expect(new Set(processing.map((r) => r.action))).toContain('session_completed');
      for (const row of processing)
        expect(row, row.action).toMatchObject({ actor: 'test-uploader', actorKind: 'token' });
      expect(rows.filter((r) => r.actorKind === 'os_user')).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('never takes the client’s filename as a path: traversal, absolute, Windows and control characters', async () => {
    const sessionId = await newSession();
    const bytes = sampleFile(HOMONYM);
    const response = await upload(sessionId, uploader, [
      { name: '../../../escaped.pdf', bytes },
      { name: '/etc/absolute.pdf', bytes },
      { name: 'C:\\drop\\windows.pdf', bytes },
      { name: 'bell\u0007and\u202Eoverride.pdf', bytes },
      { name: '..', bytes },
    ]);
    expect(response.status).toBe(200);
    const result = await json<{
      uploaded_files: { filename: string }[];
      failed_files: { filename: string; status_code: number }[];
    }>(response);
    expect(result.uploaded_files.map((f) => f.filename).sort()).toEqual([
      'absolute.pdf',
      'bell andoverride.pdf',
      'escaped.pdf',
      'windows.pdf',
    ]);
    // '..' names no file: refused for having no filename.
    expect(result.failed_files).toEqual([
      expect.objectContaining({
        filename: '(no name)',
        status_code: 400,
        message: expect.stringMatching(/has no filename/),
      }),
    ]);
    expect(
      fs
        .readdirSync(path.join(server.uploadDir, sessionId))
        .every((name) => /^[0-9a-f]{40}\.pdf$/.test(name)),
    ).toBe(true);
    for (const dir of [server.workspace.root, server.uploadDir, path.dirname(server.workspace.root)]) {
      expect(fs.existsSync(path.join(dir, 'escaped.pdf'))).toBe(false);
    }
  });

  it('takes 50 uploads at once into one session, each registered once, then processes them all', async () => {
    const sessionId = await newSession('complete');
    const pdfs = SAMPLE.filter((name) => name !== NOT_PDF && name !== EMPTY && name.startsWith('3'));
    const names = Array.from({ length: 50 }, (_, i) => {
      const source = pdfs[i % pdfs.length]!;
      // Distinct names: another numero for each copy.
      return { source, name: source.replace(/_(\d{10}_)?([A-Z]+)\.pdf$/, `_${8000000000 + i}_$2.pdf`) };
    });
    expect(new Set(names.map((n) => n.name)).size).toBe(50);
    const responses = await Promise.all(
      names.map(({ source, name }) => upload(sessionId, uploader, [{ name, bytes: sampleFile(source) }])),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const ids = (
      await Promise.all(responses.map((r) => json<{ uploaded_files: { file_id: string }[] }>(r)))
    ).map((b) => b.uploaded_files[0]!.file_id);
    expect(new Set(ids).size).toBe(50);

    const processed = await json<{ total_files: number; processed_files: number }>(
      await post(`/${sessionId}/process`, uploader),
    );
    expect(processed).toMatchObject({ total_files: 50, processed_files: 50 });
    const status = await json<{ files: StatusFile[] }>(await get(`/${sessionId}/status`, viewer));
    expect(status.files.map((f) => f.filename).sort()).toEqual(names.map((n) => n.name).sort());
    expect(status.files.every((f) => f.processing_status !== 'processing' && f.outcome !== null)).toBe(true);
    // One document per distinct content, however many names it came under.
    const documents = new Set(status.files.map((f) => f.document_id).filter(Boolean));
    expect(documents.size).toBeLessThanOrEqual(new Set(names.map((n) => n.source)).size);
  });

  it('with ?wait=false answers 202 at once, and the events stream follows the session to its end', async () => {
    const sessionId = await newSession();
    const files = SAMPLE.filter((name) => name.startsWith('3000768077') || name.startsWith('3000875628'));
    expect(
      (
        await upload(
          sessionId,
          uploader,
          files.map((name) => ({ name, bytes: sampleFile(name) })),
        )
      ).status,
    ).toBe(200);

    const stream = await fetch(`${server.base}/${sessionId}/events`, { headers: bearer(viewer) });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readEvents(stream);
    expect((await events.next()).value).toMatchObject({ event: 'snapshot', data: { status: 'pending' } });

    const started = await post(`/${sessionId}/process?wait=false`, uploader);
    expect(started.status).toBe(202);
    expect(await json(started)).toMatchObject({
      session_id: sessionId,
      status: 'processing',
      total_files: files.length,
    });

    const seen: { event: string; data: Record<string, unknown> }[] = [];
    for await (const event of events) seen.push(event);
    const kinds = seen.map((e) => e.event);
    expect(kinds[0]).toBe('session_started');
    expect(kinds.at(-1)).toBe('session_finished');
    expect(kinds.filter((k) => k === 'file_finished')).toHaveLength(files.length);
    expect(seen.at(-1)!.data).toMatchObject({
      status: 'completed',
      totals: { processed_files: files.length },
    });
    // The session is done: a new stream gets its snapshot and its end at once.
    const after = readEvents(await fetch(`${server.base}/${sessionId}/events`, { headers: bearer(viewer) }));
    const replay: { event: string; data: Record<string, unknown> }[] = [];
    for await (const event of after) replay.push(event);
    expect(replay.map((e) => e.event)).toEqual(['snapshot', 'session_finished']);
    // The same shape as the live one: a client reading `totals` reads them from either.
    const live = seen.at(-1)!.data;
    expect(replay[1]!.data).toMatchObject({
      session_id: sessionId,
      status: live.status,
      detailed_status: live.detailed_status,
      totals: live.totals as Record<string, unknown>,
    });
    expect(replay[1]!.data.processing_time).toEqual(expect.any(Number));
  });

  it('gives each file the same patient_matching_status and matching_confidence in its file_finished event as in the status', async () => {
    const sessionId = await newSession('complete');
    // One file that fails before it is matched (its name does not parse), one matched, one that fails after.
    const corrupt = '3000768077_HUERTA SOTO, GABRIELA_6380098786_LAB.pdf';
    const files = [
      { name: 'RIOS CORONADO CESAR CONS.pdf', bytes: sampleFile('RIOS CORONADO CESAR CONS.pdf') },
      { name: HOMONYM, bytes: sampleFile(HOMONYM) },
      { name: corrupt, bytes: Buffer.from('%PDF-1.4\nnot really a PDF after its header\n') },
    ];
    expect((await upload(sessionId, uploader, files)).status).toBe(200);
    const events = readEvents(await fetch(`${server.base}/${sessionId}/events`, { headers: bearer(viewer) }));
    expect((await events.next()).value).toMatchObject({ event: 'snapshot' });
    expect((await post(`/${sessionId}/process?wait=false`, uploader)).status).toBe(202);
    const finished = new Map<string, unknown>();
    for await (const event of events) {
      if (event.event === 'file_finished') {
        finished.set(event.data.filename as string, [
          event.data.patient_matching_status,
          event.data.matching_confidence,
        ]);
      }
    }
    const status = await json<{ files: StatusFile[] }>(await get(`/${sessionId}/status`, viewer));
    expect(Object.fromEntries(finished)).toEqual(
      Object.fromEntries(
        status.files.map((f) => [f.filename, [f.patient_matching_status, f.matching_confidence]]),
      ),
    );
    expect(finished.get('RIOS CORONADO CESAR CONS.pdf')).toEqual(['pending', null]);
    // Matched before its extraction failed: attached to nobody, so no confidence either.
    expect(finished.get(corrupt)).toEqual(['pending', null]);
    // The OpenAPI document names the values a client can get.
    const openapi = await json<{ paths: Record<string, { get: unknown }> }>(
      await fetch(`${server.running.url}/api/v1/openapi.json`),
    );
    expect(JSON.stringify(openapi.paths['/api/v1/documents/batch/{session_id}/status']!.get)).toContain(
      '"patient_matching_status":{"type":"string","enum":["pending","matched","new_patient","review_required","rejected"]',
    );
  });

  it('says a session already processed is so, waiting or not: 200 with its status, nothing started', async () => {
    const sessionId = await newSession('complete');
    const files = SAMPLE.filter((name) => name.startsWith('3000768077'));
    const uploaded = await upload(
      sessionId,
      uploader,
      files.map((name) => ({ name, bytes: sampleFile(name) })),
    );
    expect(uploaded.status).toBe(200);
    expect((await post(`/${sessionId}/process`, uploader)).status).toBe(200);
    const before = await json<{ completed_at: string }>(await get(`/${sessionId}/status`, viewer));

    for (const wait of ['?wait=false', '']) {
      const again = await post(`/${sessionId}/process${wait}`, uploader);
      expect(again.status, wait).toBe(200);
      expect(await json(again)).toMatchObject({
        message: expect.stringMatching(
          /^the session was already processed \(completed\): nothing was started/,
        ),
        session_id: sessionId,
        total_files: files.length,
        processed_files: files.length,
        status: 'completed',
        detailed_status: 'completed',
      });
    }
    // Nothing ran: the session ended when it did.
    expect(await json(await get(`/${sessionId}/status`, viewer))).toMatchObject({
      status: 'completed',
      completed_at: before.completed_at,
    });
  });

  it('registers nothing from an upload the client cuts short', async () => {
    const sessionId = await newSession();
    const { request } = await import('node:http');
    const boundary = 'cut-short-boundary';
    const url = new URL(`${server.base}/${sessionId}/upload`);
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          ...bearer(uploader),
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': '100000',
        },
      });
      req.on('error', () => resolve());
      req.write(
        `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${HOMONYM}"\r\ncontent-type: application/pdf\r\n\r\n`,
      );
      req.write(sampleFile(HOMONYM));
      // The whole first file arrived; the second is cut in the middle.
      req.write(
        `\r\n--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="second.pdf"\r\n\r\n%PDF-1.4 partial`,
        () => {
          req.destroy();
          resolve();
        },
      );
    });
    // The server removes the partial files once it sees the client gone.
    const dir = path.join(server.uploadDir, sessionId);
    await until(() => fs.readdirSync(dir).length === 0);
    const status = await json<{ files: unknown[] }>(await get(`/${sessionId}/status`, viewer));
    expect(status.files).toEqual([]);
    const whole = await upload(sessionId, uploader, [{ name: HOMONYM, bytes: sampleFile(HOMONYM) }]);
    expect(whole.status).toBe(200);
  });

  it('answers 404 for an unknown session and 400 for a malformed one', async () => {
    expect((await get('/3f2a9c1e-0000-4000-8000-000000000000/status', viewer)).status).toBe(404);
    expect((await get('/not-a-session/status', viewer)).status).toBe(400);
    expect((await post('/3f2a9c1e-0000-4000-8000-000000000000/process', uploader)).status).toBe(404);
    const sessionId = await newSession();
    expect((await post(`/${sessionId}/process`, uploader)).status).toBe(400);
    expect(
      (
        await fetch(`${server.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: { ...bearer(uploader), 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
  });
});

describe('the API’s limits and settings', { tags: ['slow'] }, () => {
  it('refuses a file over the size limit (413) and files over the session’s limit (413), keeping the rest', async () => {
    const server = await startTestServer({ settings: { maxFileSize: 5000, maxFilesPerSession: 3 } });
    try {
      const token = await server.token('uploader');
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'x' }),
      });
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
      // The session records the server's settings as a run records its own, with the API's limits in place of
      // --max-file-size and --max-files, and no embedder yet (it is opened when the session is processed).
      const database = await openWorkspaceDb(server.workspace);
      try {
        const row = await database.db
          .selectFrom('batchUploads')
          .select('optionsJson')
          .where('id', '=', sessionId)
          .executeTakeFirstOrThrow();
        expect(JSON.parse(row.optionsJson)).toMatchObject({
          glob: null,
          concurrency: 4,
          max_file_size: 5000,
          max_files: 3,
          chunk_size: 1000,
          chunk_overlap: 200,
          force: false,
          thresholds: { auto: 0.95, review: 0.6 },
          collection: 'medical_documents',
          embedder: null,
          extractor: 'pdfium',
          ocr: { mode: 'auto', engine: 'tesseract.js', min_confidence: 0.7 },
          store_batch_size: 32,
          trust_content: false,
        });
      } finally {
        await database.close();
      }
      const big = SAMPLE.find((name) => fs.statSync(path.join(SAMPLE_DIR, name)).size > 5000)!;
      const small = SAMPLE.filter((name) => {
        const size = fs.statSync(path.join(SAMPLE_DIR, name)).size;
        return size > 0 && size <= 5000 && name !== NOT_PDF && name.startsWith('3');
      });
      const alone = await fetch(`${server.base}/${sessionId}/upload`, {
        method: 'POST',
        headers: bearer(token),
        body: filesForm([{ name: big, bytes: sampleFile(big) }]),
      });
      expect(alone.status).toBe(413);
      // What to do about it, for the client (split it) and for whoever runs the server (raise the limit).
      expect(((await alone.json()) as { message: string }).message).toBe(
        'no file was taken: the file is over the limit of 4.9 KB: split it into smaller PDFs, or ask the ' +
          "server's administrator to raise it (serve --max-file-size)",
      );
      const send = (names: string[]) =>
        fetch(`${server.base}/${sessionId}/upload`, {
          method: 'POST',
          headers: bearer(token),
          body: filesForm(names.map((name) => ({ name, bytes: sampleFile(name) }))),
        });
      // More files in one request than a session takes: the request is refused whole.
      const four = await send(small.slice(0, 4));
      expect(four.status).toBe(413);
      expect(((await four.json()) as { message: string }).message).toMatch(/at most 3 files/);
      expect((await send(small.slice(0, 2))).status).toBe(200);
      const over = await send(small.slice(2, 4));
      expect(over.status).toBe(200);
      const body = (await over.json()) as {
        uploaded_files: unknown[];
        failed_files: { status_code: number; message: string }[];
      };
      expect(body.uploaded_files).toHaveLength(1);
      expect(body.failed_files).toEqual([
        expect.objectContaining({ status_code: 413, message: expect.stringMatching(/limit/) }),
      ]);
    } finally {
      await server.stop();
    }
  });

  it('stopping cuts off the uploads it is receiving: a stalled client is answered 503 (or cut between parts), nothing kept', async () => {
    const server = await startTestServer();
    let stopped = false;
    try {
      const token = await server.token('uploader');
      const created = await fetch(`${server.base}/create-session`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ processing_type: 'both', uploaded_by: 'x' }),
      });
      const { session_id: sessionId } = (await created.json()) as { session_id: string };
      const dir = path.join(server.uploadDir, sessionId);
      const { request } = await import('node:http');
      const boundary = 'stalled-boundary';
      /** An upload whose client sends `sent` and then nothing more; resolves with the answer or the error. */
      const stalledUpload = (sent: string | Buffer) => {
        const req = request(new URL(`${server.base}/${sessionId}/upload`), {
          method: 'POST',
          headers: {
            ...bearer(token),
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': '1000000',
          },
        });
        const outcome = new Promise<{ status?: number; body?: string; error?: string; retryAfter?: string }>(
          (resolve) => {
            req.on('error', (error) =>
              resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
            );
            req.on('response', (response) => {
              let body = '';
              response.on('data', (d: Buffer) => (body += d.toString()));
              response.on('end', () =>
                resolve({ status: response.statusCode, body, retryAfter: response.headers['retry-after'] }),
              );
              response.on('error', (error) => resolve({ status: response.statusCode, error: error.message }));
            });
          },
        );
        if (sent.length > 0) req.write(sent);
        else req.flushHeaders();
        return outcome;
      };
      // One client is in the middle of a file; another sent its headers and no part yet.
      const midFile = stalledUpload(
        Buffer.concat([
          Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="files"; filename="${HOMONYM}"\r\ncontent-type: application/pdf\r\n\r\n`,
          ),
          sampleFile(HOMONYM).subarray(0, 1000),
        ]),
      );
      await until(() => fs.readdirSync(dir).some((name) => fs.statSync(path.join(dir, name)).size > 0));
      const beforeParts = stalledUpload('');
      // Both connections are open (the second one's request may still be in its hooks: stopping must not wait for it either).
      const connections = () =>
        new Promise<number>((resolve) =>
          server.running.server.app.server.getConnections((_e, n) => resolve(n)),
        );
      for (let n = await connections(); n < 2; n = await connections())
        await new Promise((resolve) => setImmediate(resolve));
      await server.running.stop();
      stopped = true;
      const answered = await midFile;
      expect(answered.status).toBe(503);
      expect(answered.retryAfter).toBe('10');
      expect(JSON.parse(answered.body!)).toMatchObject({
        statusCode: 503,
        message: expect.stringMatching(/stopping: nothing of this upload was kept/),
      });
      const cut = await beforeParts;
      expect(cut.status === 503 || cut.error !== undefined, JSON.stringify(cut)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual([]);
      const open = await openWorkspaceDb(server.workspace);
      try {
        expect(
          await open.db.selectFrom('batchFiles').selectAll().where('batchId', '=', sessionId).execute(),
        ).toEqual([]);
      } finally {
        await open.close();
      }
    } finally {
      if (stopped) server.workspace.cleanup();
      else await server.stop();
    }
  });

  it('limits the requests a token makes per minute (429), never /health', async () => {
    const server = await startTestServer({ settings: { rateLimitPerMinute: 3 } });
    try {
      const token = await server.token('viewer');
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await fetch(`${server.base}/processing-types`, { headers: bearer(token) })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await fetch(`${server.base}/processing-types`, { headers: bearer(token) });
      expect(await limited.json()).toMatchObject({ statusCode: 429 });
      for (let i = 0; i < 5; i++) expect((await fetch(`${server.base}/health`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('lets only the allowed origins call it from a browser (CORS)', async () => {
    const server = await startTestServer({ settings: { corsOrigins: ['https://intranet.example'] } });
    try {
      const token = await server.token('viewer');
      const allowed = await fetch(`${server.base}/processing-types`, {
        headers: { ...bearer(token), origin: 'https://intranet.example' },
      });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://intranet.example');
      const other = await fetch(`${server.base}/processing-types`, {
        headers: { ...bearer(token), origin: 'https://elsewhere.example' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await fetch(`${server.base}/create-session`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://intranet.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
      // An OPTIONS that is no browser's preflight (curl, a probe; an Origin without the method asked for) is
      // answered as HTTP answers OPTIONS: the path's methods, no CORS headers; a path the API lacks is 404.
      for (const headers of [
        {} as Record<string, string>,
        { origin: 'https://intranet.example' },
        { 'access-control-request-method': 'POST' },
      ]) {
        const bare = await fetch(`${server.base}/create-session`, { method: 'OPTIONS', headers });
        expect(bare.status).toBe(204);
        expect(bare.headers.get('allow')).toBe('OPTIONS, POST');
        expect([...bare.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
        expect(await bare.text()).toBe('');
      }
      const status = await fetch(`${server.base}/3f2a9c1e-0000-4000-8000-000000000000/status`, {
        method: 'OPTIONS',
      });
      expect([status.status, status.headers.get('allow')]).toEqual([204, 'GET, HEAD, OPTIONS']);
      const nowhere = await fetch(`${server.base}/no-such-route`, { method: 'OPTIONS' });
      expect(nowhere.status).toBe(404);
      expect(nowhere.headers.get('allow')).toBeNull();
      expect([...nowhere.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      expect(await nowhere.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    } finally {
      await server.stop();
    }
  });

  it('refuses a preflight from an origin it does not allow 403, saying the setting that allows one, not which are allowed', async () => {
    const preflight = (server: TestServer, origin: string) =>
      fetch(`${server.base}/create-session`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const some = await startTestServer({ settings: { corsOrigins: ['https://intranet.example'] } });
    try {
      const other = await preflight(some, 'https://elsewhere.example');
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(await other.json()).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message:
          "browsers may not call this API from https://elsewhere.example: the origin is not allowed; the server's " +
          'administrator allows one with serve --cors-origin https://elsewhere.example (or serve.corsOrigins in the config file)',
      });
      // Which origins are allowed is the operator's business: the answer would tell any page whom to pretend to be.
      expect(JSON.stringify(await (await preflight(some, 'https://elsewhere.example')).json())).not.toContain(
        'intranet.example',
      );
      expect((await preflight(some, 'https://intranet.example')).status).toBe(204);
      // A page opened from a file: no setting can allow "null", so the answer does not suggest one.
      const fromFile = await preflight(some, 'null');
      expect(fromFile.status).toBe(403);
      expect(((await fromFile.json()) as { message: string }).message).toBe(
        'browsers may not call this API from a page with no origin (Origin: null: opened from a file, or in a ' +
          "sandboxed frame): serve the page from a web server whose origin the server's administrator allows " +
          'with serve --cors-origin',
      );
    } finally {
      await some.stop();
    }
    // No origin allowed (the default): not "OPTIONS is not a method of this path".
    const none = await startTestServer();
    try {
      const refused = await preflight(none, 'https://intranet.example');
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { message: string }).message).toBe(
        "browsers may not call this API from https://intranet.example: the origin is not allowed; the server's " +
          'administrator allows one with serve --cors-origin https://intranet.example (or serve.corsOrigins in the config file)',
      );
    } finally {
      await none.stop();
    }
  });

  it('reports itself unhealthy (503) when Chroma cannot be reached', async () => {
    const server = await startTestServer({
      backends: { vectorStore: 'chroma', chroma: { url: 'http://127.0.0.1:9' } },
    });
    try {
      const health = await fetch(`${server.base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        status: 'unhealthy',
        batch_service: 'healthy',
        database: 'healthy',
        chroma: 'unhealthy',
      });
    } finally {
      await server.stop();
    }
  });
});

/** Waits for a condition the server reaches on its own (bounded: fails after 10 s). */
describe('a session of copies already waiting for review elsewhere', { tags: ['slow'] }, () => {
  it('counts them apart (already_waiting), not as reviews of its own, in the status and the process answer', async () => {
    const server = await startTestServer();
    try {
      const uploader = await server.token('uploader');
      const viewer = await server.token('viewer');
      const call = async (route: string, init: RequestInit = {}) => {
        const response = await fetch(`${server.base}${route}`, {
          ...init,
          headers: { ...bearer(uploader), ...init.headers },
        });
        expect(response.status, route).toBe(200);
        return json<Record<string, unknown>>(response);
      };
      const session = async () => {
        const created = await call('/create-session', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ processing_type: 'complete', uploaded_by: 'dra. lopez' }),
        });
        const id = created.session_id as string;
        await call(`/${id}/upload`, {
          method: 'POST',
          body: filesForm([{ name: ID_CONFLICT, bytes: sampleFile(ID_CONFLICT) }]),
        });
        return { id, processed: await call(`/${id}/process`, { method: 'POST' }) };
      };
      const status = async (id: string) =>
        json<{ review_required: number; already_waiting: number; files: StatusFile[] }>(
          await fetch(`${server.base}/${id}/status`, { headers: bearer(viewer) }),
        );
      const first = await session();
      expect(first.processed).toMatchObject({ review_required: 1, already_waiting: 0 });
      // The same document uploaded again in a new session while its review waits.
      const second = await session();
      expect((await status(second.id)).files.map((f) => f.outcome)).toEqual(['already_pending_review']);
      expect(second.processed).toMatchObject({ review_required: 0, already_waiting: 1 });
      expect(await status(second.id)).toMatchObject({ review_required: 0, already_waiting: 1 });
      expect(await status(first.id)).toMatchObject({ review_required: 1, already_waiting: 0 });
    } finally {
      await server.stop();
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
