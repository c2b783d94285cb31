import fs from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSearchAdapters } from '../../src/app/open-backends.js';
import type { BackendConfig } from '../../src/config/load-config.js';
import { defaultBackends } from '../support/command-context.js';
import type { OpenDatabase } from '../../src/db/open-database.js';
import type { BatchFile } from '../../src/db/schema.js';
import { PatientRepository } from '../../src/db/repositories/patient-repository.js';
import { ReviewService } from '../../src/review/review-service.js';
import type { ReviewCase } from '../../src/review/types.js';
import {
  copyDatabase,
  ID_CONFLICT_FILE,
  ingestSample,
  NAME_ONLY_FILE,
  type DatabaseCopy,
  type IngestedSample,
} from './support/ingested-sample.js';

let sample: IngestedSample;
let copy: DatabaseCopy;
let database: OpenDatabase;
let service: ReviewService;
let backends: BackendConfig;

beforeAll(async () => {
  backends = await defaultBackends();
  sample = await ingestSample();
});
afterAll(() => sample.cleanup());

beforeEach(async () => {
  copy = copyDatabase(sample.templateDb);
  database = await copy.open();
  service = new ReviewService({
    database,
    reviewer: 'revisora',
    openVectors: (collection) => openSearchAdapters({ database, backends, collection }),
  });
});
afterEach(async () => {
  await service.close();
  await database.close();
  copy.cleanup();
});

async function pendingFile(filename: string): Promise<BatchFile> {
  const pending = await service.listPending();
  const file = pending.find((f) => f.filename === filename);
  if (!file)
    throw new Error(`${filename} is not pending; pending: ${pending.map((f) => f.filename).join(', ')}`);
  return file;
}

async function caseFor(filename: string): Promise<ReviewCase> {
  return service.loadCase((await pendingFile(filename)).id);
}

async function fileRow(id: string) {
  return database.db.selectFrom('batchFiles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function sessionRow(id: string) {
  return database.db.selectFrom('batchUploads').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function auditActions(entityId: string) {
  const rows = await database.db
    .selectFrom('auditLog')
    .selectAll()
    .where('entityId', '=', entityId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    ...r,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }));
}

async function vectorCount(): Promise<number> {
  const { vectorStore } = await openSearchAdapters({ database, backends });
  return vectorStore.count();
}

async function rowCount(table: 'patients' | 'medicalDocuments'): Promise<number> {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const documentCount = () => rowCount('medicalDocuments');
const patientCount = () => rowCount('patients');

describe('review service', { tags: ['slow'] }, () => {
  it('lists the pending reviews of all sessions and of one session', async () => {
    const all = await service.listPending();
    expect(all.map((f) => f.filename).sort()).toEqual([ID_CONFLICT_FILE, NAME_ONLY_FILE].sort());
    expect(await service.listPending(all[0]!.batchId)).toHaveLength(2);
    expect(await service.listPending('00000000-0000-0000-0000-000000000000')).toHaveLength(0);
  });

  it('builds the evidence from stored data: parse, fresh candidates with scores, the first lines of text', async () => {
    const conflict = await caseFor(ID_CONFLICT_FILE);
    expect(conflict.parsed?.expediente).toBe('3000576011');
    expect(conflict.idConflict).toBe(true);
    expect(conflict.expedienteOwner?.expediente).toBe('3000576011');
    expect(conflict.candidates.length).toBeGreaterThan(0);
    expect(conflict.candidates.some((c) => c.scores.idMatch === 1)).toBe(true);
    expect(conflict.text.length).toBeGreaterThan(0);
    expect(conflict.text.join(' ')).toMatch(/BONILLA/i);

    const nameOnly = await caseFor(NAME_ONLY_FILE);
    expect(nameOnly.idConflict).toBe(false);
    expect(nameOnly.expedienteOwner).toBeNull();
    // The filename alone is a name-only match to 3000899337; the PDF states the filename's own
    // expediente and another birth date (a homonym): it agrees with its filename and tells against the
    // candidate, so the file is held for the name-only match, not as a content mismatch.
    expect(nameOnly.heldReason).toBe('name_only_match');
    expect(nameOnly.decision?.reason).toBe('name_only_match');
    expect(nameOnly.candidates[0]?.patient.expediente).toBe('3000899337');
  });

  it('offers the patient the document names as a candidate, and attaching to them needs a second look', async () => {
    // A file held because its text names a registry patient whom the filename's own retrieval never brings
    // (a misfiled document): without that patient the only choices were the wrong one or a new patient.
    const file = await pendingFile(NAME_ONLY_FILE);
    const acosta = await database.db
      .selectFrom('patients')
      .selectAll()
      .where('expediente', '=', '3000576011')
      .executeTakeFirstOrThrow();
    const details = JSON.parse(file.matchingDetails ?? '{}') as { content: Record<string, unknown> };
    details.content.content_patient = {
      patient_id: acosta.id,
      expediente: acosta.expediente,
      nombre_completo: 'ACOSTA MORALES, JORGE',
      fecha_nacimiento: acosta.fechaNacimiento,
      sexo: acosta.sexo,
      by: 'expediente',
    };
    await database.db
      .updateTable('batchFiles')
      .set({ matchingDetails: JSON.stringify(details) })
      .where('id', '=', file.id)
      .execute();

    const reviewCase = await service.loadCase(file.id);
    const named = reviewCase.candidates.find((c) => c.patient.expediente === '3000576011');
    expect(named?.reasons[0]).toBe("named by the document's own text");
    const evidence = reviewCase.evidence.find((e) => e.expediente === '3000576011');
    // The document itself states MARTÍNEZ MEJÍA, 3000312954: attaching it to ACOSTA is flagged twice.
    expect(evidence?.risks).toEqual(expect.arrayContaining(['expediente_contradicts', 'name_contradicts']));
    // The filename's own candidate is still first.
    expect(reviewCase.candidates[0]?.patient.expediente).toBe('3000899337');
  });

  it('attaches to a candidate without reading the PDF again, stores and vectorizes it, audits and counts', async () => {
    fs.rmSync(sample.sourceDir, { recursive: true, force: true }); // the PDF must not be needed
    sample.sourceDir = '';
    const reviewCase = await caseFor(NAME_ONLY_FILE);
    const before = await sessionRow(reviewCase.batchId);
    const vectorsBefore = await vectorCount();

    const result = await service.decide(reviewCase, { kind: 'attach', candidate: 1 });
    expect(result).toMatchObject({ ok: true, choice: 'attach' });

    const file = await fileRow(reviewCase.fileId);
    expect(file).toMatchObject({
      matchingStatus: 'matched',
      processingStatus: 'completed',
      outcome: 'ingested',
    });
    const document = await database.db
      .selectFrom('medicalDocuments')
      .selectAll()
      .where('id', '=', file.documentId!)
      .executeTakeFirstOrThrow();
    expect(document.expediente).toBe('3000899337');
    expect(document.chunksCount).toBeGreaterThan(0);
    expect(await vectorCount()).toBe(vectorsBefore + document.chunksCount);

    const after = await sessionRow(reviewCase.batchId);
    expect(after.reviewRequired).toBe(before.reviewRequired - 1);
    expect(after.matchedPatients).toBe(before.matchedPatients + 1);

    const audit = await auditActions(document.id);
    expect(audit.map((a) => a.action)).toEqual(['review_attached']);
    expect(audit[0]!.actor).toBe('revisora');
    expect(audit[0]!.details).toMatchObject({
      choice: 'attach',
      candidate_rank: 1,
      previous: { matching_status: 'review_required', processing_status: 'pending' },
    });

    // The text stays while undo is possible, and goes when the sitting ends.
    expect(file.extractedText).not.toBeNull();
    await service.close();
    expect((await fileRow(reviewCase.fileId)).extractedText).toBeNull();
    expect(await service.listPending()).toHaveLength(1);
  });

  it("stores an attach and moves the session's counts in one transaction: when the counts cannot move, nothing is stored", async () => {
    const reviewCase = await caseFor(NAME_ONLY_FILE);
    const before = await sessionRow(reviewCase.batchId);
    // Stands for a kill between the two writes: the counters' update fails after the document's rows are written.
    await sql`CREATE TRIGGER counts_stuck BEFORE UPDATE OF review_required ON batch_uploads
      BEGIN SELECT RAISE(ABORT, 'counters cannot move'); END`.execute(database.db);
    await expect(service.decide(reviewCase, { kind: 'attach', candidate: 1 })).rejects.toThrow(
      /counters cannot move/,
    );
    await sql`DROP TRIGGER counts_stuck`.execute(database.db);

    expect(await fileRow(reviewCase.fileId)).toMatchObject({
      matchingStatus: 'review_required',
      documentId: null,
    });
    const documents = await database.db
      .selectFrom('medicalDocuments')
      .select('id')
      .where('batchFileId', '=', reviewCase.fileId)
      .execute();
    expect(documents).toEqual([]);
    expect(await sessionRow(reviewCase.batchId)).toMatchObject({
      reviewRequired: before.reviewRequired,
      matchedPatients: before.matchedPatients,
    });
  });

  it('refuses a new patient when the expediente already belongs to someone else, changing nothing', async () => {
    const reviewCase = await caseFor(ID_CONFLICT_FILE);
    const before = await fileRow(reviewCase.fileId);
    const patients = await patientCount();

    const result = await service.decide(reviewCase, { kind: 'new_patient' });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/already belongs to .*impossible/);
    expect(await fileRow(reviewCase.fileId)).toEqual(before);
    expect(await patientCount()).toBe(patients);
    expect(service.undoDepth).toBe(0);
  });

  it('refuses a new patient under a number the registry holds with other leading zeros, changing nothing', async () => {
    const reviewCase = await caseFor(NAME_ONLY_FILE);
    const expediente = reviewCase.parsed!.expediente;
    // Registered meanwhile as the hospital writes it, zero-padded to 12 digits; the filename lost the zeros.
    await new PatientRepository(database.db).insertOrGet(
      {
        expediente: `00${expediente}`,
        apellidoPaterno: 'RAMIRO',
        apellidoMaterno: 'SEPULVEDA',
        nombres: 'LUIS',
      },
      'registry_import',
    );
    const before = await fileRow(reviewCase.fileId);
    const patients = await patientCount();
    // Opened now, the case shows whose number it is: the banner of a clearly other person, and no new-patient choice.
    const opened = await caseFor(NAME_ONLY_FILE);
    expect(opened.expedienteOwner?.expediente).toBe(`00${expediente}`);
    expect(opened.idConflict).toBe(true);
    expect(opened.evidence.find((c) => c.expediente === `00${expediente}`)).toMatchObject({
      holdsExpediente: true,
      risks: expect.arrayContaining(['id_conflict']),
    });

    const result = await service.decide(reviewCase, { kind: 'new_patient' });
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      `expediente ${expediente} is RAMIRO SEPULVEDA, LUIS's expediente 00${expediente} with other leading zeros: a ` +
        'second patient under that number is impossible. Attach to that patient if it is the same person, or reject the file.',
    );
    expect(result.ok ? null : result.notice).toEqual({
      code: 'expediente_taken',
      expediente: `00${expediente}`,
      name: 'RAMIRO SEPULVEDA, LUIS',
      written: expediente,
    });
    expect(await fileRow(reviewCase.fileId)).toEqual(before);
    expect(await patientCount()).toBe(patients);
  });

  it('creates a new patient, and undo removes the patient, the document and its vectors and restores the file exactly', async () => {
    const reviewCase = await caseFor(NAME_ONLY_FILE);
    const fileBefore = await fileRow(reviewCase.fileId);
    const sessionBefore = await sessionRow(reviewCase.batchId);
    const patients = await patientCount();
    const vectors = await vectorCount();

    const result = await service.decide(reviewCase, { kind: 'new_patient' });
    expect(result).toMatchObject({ ok: true, choice: 'new_patient' });
    const created = await database.db
      .selectFrom('patients')
      .selectAll()
      .where('expediente', '=', '3000312954')
      .executeTakeFirstOrThrow();
    expect(created.source).toBe('review');
    expect(await patientCount()).toBe(patients + 1);
    expect((await fileRow(reviewCase.fileId)).matchingStatus).toBe('new_patient');
    expect((await sessionRow(reviewCase.batchId)).createdPatients).toBe(sessionBefore.createdPatients + 1);
    expect(await vectorCount()).toBeGreaterThan(vectors);

    const undone = await service.undo();
    expect(undone).toMatchObject({ ok: true, fileId: reviewCase.fileId, choice: 'new_patient' });
    expect(await fileRow(reviewCase.fileId)).toEqual(fileBefore);
    expect(await sessionRow(reviewCase.batchId)).toEqual(sessionBefore);
    expect(await patientCount()).toBe(patients);
    expect(await vectorCount()).toBe(vectors);
    expect(
      await database.db
        .selectFrom('medicalDocuments')
        .select('id')
        .where('batchFileId', '=', reviewCase.fileId)
        .execute(),
    ).toEqual([]);
    // The patient's blocking keys went with it: the same file matches as before.
    const again = await service.loadCase(reviewCase.fileId);
    expect(again.decision?.reason).toBe('name_only_match');
    expect(again.candidates.map((c) => c.patient.expediente)).toEqual(
      reviewCase.candidates.map((c) => c.patient.expediente),
    );

    const audit = await auditActions(reviewCase.fileId);
    expect(audit.map((a) => a.action)).toContain('review_undone');
    expect(audit.find((a) => a.action === 'review_undone')!.details).toMatchObject({
      undone: 'new_patient',
      patient_deleted: created.id,
      restored: { matching_status: 'review_required' },
    });
    expect(await service.undo()).toMatchObject({ ok: false });
  });

  it('rejects (nothing ingested) and undoes the rejection', async () => {
    const reviewCase = await caseFor(ID_CONFLICT_FILE);
    const fileBefore = await fileRow(reviewCase.fileId);
    const sessionBefore = await sessionRow(reviewCase.batchId);
    const documents = await database.db.selectFrom('medicalDocuments').select('id').execute();

    expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({
      ok: true,
      choice: 'reject',
    });
    expect(await fileRow(reviewCase.fileId)).toMatchObject({
      matchingStatus: 'rejected',
      processingStatus: 'completed',
      outcome: 'rejected',
      documentId: null,
    });
    expect(await database.db.selectFrom('medicalDocuments').select('id').execute()).toHaveLength(
      documents.length,
    );
    expect((await sessionRow(reviewCase.batchId)).reviewRequired).toBe(sessionBefore.reviewRequired - 1);
    // Settled files are no longer offered, and deciding again is refused.
    expect((await service.listPending()).map((f) => f.id)).not.toContain(reviewCase.fileId);
    expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({ ok: false });

    expect(await service.undo()).toMatchObject({ ok: true, choice: 'reject' });
    expect(await fileRow(reviewCase.fileId)).toEqual(fileBefore);
    expect(await sessionRow(reviewCase.batchId)).toEqual(sessionBefore);
    const actions = (await auditActions(reviewCase.fileId)).map((a) => a.action);
    expect(actions.slice(-2)).toEqual(['review_rejected', 'review_undone']);
  });

  it('skips without changing anything but the audit log, and refuses a candidate that is not there', async () => {
    const reviewCase = await caseFor(ID_CONFLICT_FILE);
    const before = await fileRow(reviewCase.fileId);
    expect(await service.decide(reviewCase, { kind: 'skip' })).toMatchObject({ ok: true, choice: 'skip' });
    expect(await service.decide(reviewCase, { kind: 'attach', candidate: 9 })).toMatchObject({ ok: false });
    expect(await fileRow(reviewCase.fileId)).toEqual(before);
    expect(service.undoDepth).toBe(0);
    expect((await auditActions(reviewCase.fileId)).map((a) => a.action)).toEqual(['review_skipped']);
  });

  it('undoes several decisions, most recent first', async () => {
    const first = await caseFor(ID_CONFLICT_FILE);
    const second = await caseFor(NAME_ONLY_FILE);
    await service.decide(first, { kind: 'reject' });
    await service.decide(second, { kind: 'attach', candidate: 1 });
    expect(service.undoDepth).toBe(2);
    expect(await service.undo()).toMatchObject({ fileId: second.fileId, choice: 'attach' });
    expect(await service.undo()).toMatchObject({ fileId: first.fileId, choice: 'reject' });
    expect(await service.listPending()).toHaveLength(2);
  });
});

describe('two sittings on one file', () => {
  /** Writes a claim of another sitting into the file's matching_details, as its decide would. */
  async function claimedByAnother(fileId: string, claim: { pid: number; at: string; host?: string }) {
    const row = await fileRow(fileId);
    const details = JSON.parse(row.matchingDetails ?? '{}') as Record<string, unknown>;
    const deciding = {
      sitting: 'other-sitting',
      by: 'otra',
      host: claim.host ?? os.hostname(),
      pid: claim.pid,
      at: claim.at,
    };
    await database.db
      .updateTable('batchFiles')
      .set({ matchingDetails: JSON.stringify({ ...details, deciding }) })
      .where('id', '=', fileId)
      .execute();
    return row.matchingDetails;
  }

  it('refuses a decision on a file another live sitting is deciding, changing nothing', async () => {
    const reviewCase = await caseFor(ID_CONFLICT_FILE);
    await claimedByAnother(reviewCase.fileId, { pid: process.pid, at: new Date().toISOString() });
    expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({
      ok: false,
      notice: { code: 'being_decided', by: 'otra' },
    });
    expect(await fileRow(reviewCase.fileId)).toMatchObject({
      matchingStatus: 'review_required',
      processingStatus: 'pending',
    });
  });

  it('takes over the claim of a sitting that died or is long gone, and the decision leaves no claim behind', async () => {
    for (const claim of [
      { pid: 2 ** 22 + 17, at: new Date().toISOString() }, // no such process here
      { pid: process.pid, at: new Date(Date.now() - 16 * 60_000).toISOString(), host: 'another-host' },
    ]) {
      const reviewCase = await caseFor(ID_CONFLICT_FILE);
      const before = await claimedByAnother(reviewCase.fileId, claim);
      expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({
        ok: true,
        choice: 'reject',
      });
      expect(await fileRow(reviewCase.fileId)).toMatchObject({
        matchingStatus: 'rejected',
        matchingDetails: before,
      });
      expect(await service.undo()).toMatchObject({ ok: true });
    }
  });

  it('says which files of a list another sitting settled, and by whom; a file reopened waits again', async () => {
    const settled = await caseFor(ID_CONFLICT_FILE);
    const waiting = await caseFor(NAME_ONLY_FILE);
    const ids = [settled.fileId, waiting.fileId];
    expect(await service.settledAmong(ids)).toEqual(new Map());
    const other = new ReviewService({ database, reviewer: 'otra' });
    expect(await other.decide(settled, { kind: 'reject' })).toMatchObject({ ok: true });
    expect(await service.settledAmong(ids)).toEqual(
      new Map([[settled.fileId, { status: 'rejected', by: 'otra' }]]),
    );
    expect(await other.undo()).toMatchObject({ ok: true });
    expect(await service.settledAmong(ids)).toEqual(new Map());
    await other.close();
  });

  it('refuses an attach to a candidate the registry renamed since the case was loaded; a respelling attaches', async () => {
    const reviewCase = await caseFor(NAME_ONLY_FILE);
    const shown = reviewCase.candidates[0]!.patient;
    expect(shown.nombres).toBe('FRANCISCO JAVIER');
    const before = await fileRow(reviewCase.fileId);
    const documents = await documentCount();
    // A registry import (--allow-rename) while the case was on screen: the reviewer read another person's name.
    const rename = (nombres: string, apellidoPaterno = shown.apellidoPaterno) =>
      database.db
        .updateTable('patients')
        .set({ nombres, apellidoPaterno })
        .where('id', '=', shown.id)
        .execute();
    await rename('ROBERTO');
    const refused = await service.decide(reviewCase, { kind: 'attach', candidate: 1 });
    expect(refused).toMatchObject({
      ok: false,
      notice: {
        code: 'patient_changed',
        candidate: 1,
        changed: ['name'],
        was: { expediente: '3000899337', name: 'MARTÍNEZ MEJÍA, FRANCISCO JAVIER' },
        now: { expediente: '3000899337', name: 'MARTÍNEZ MEJÍA, ROBERTO' },
      },
    });
    expect(refused.message).toMatch(/changed in the registry since the case was shown .*nothing attached/);
    // Nothing written, and the file waits again for anybody.
    expect(await fileRow(reviewCase.fileId)).toEqual(before);
    expect(await documentCount()).toBe(documents);
    expect(service.undoDepth).toBe(0);
    // Case and accents are spelling, not another person: the attach goes ahead on what was read.
    await rename('francisco javier', 'Martinez');
    expect(await service.decide(reviewCase, { kind: 'attach', candidate: 1 })).toMatchObject({
      ok: true,
      choice: 'attach',
    });
  });

  it('gives the file back when a decision is refused or skipped: another sitting can decide it', async () => {
    const reviewCase = await caseFor(ID_CONFLICT_FILE);
    const before = (await fileRow(reviewCase.fileId)).matchingDetails;
    expect(await service.decide(reviewCase, { kind: 'new_patient' })).toMatchObject({
      ok: false,
      notice: { code: 'expediente_taken' },
    });
    expect(await service.decide(reviewCase, { kind: 'skip' })).toMatchObject({ ok: true, choice: 'skip' });
    expect((await fileRow(reviewCase.fileId)).matchingDetails).toBe(before);
    const other = new ReviewService({ database, reviewer: 'otra' });
    expect(await other.decide(reviewCase, { kind: 'reject' })).toMatchObject({ ok: true });
    expect(await service.decide(reviewCase, { kind: 'reject' })).toMatchObject({
      ok: false,
      message: 'this file was settled meanwhile by otra (now rejected); nothing changed',
      notice: { code: 'settled_meanwhile', by: 'otra' },
    });
    await other.close();
  });
});
