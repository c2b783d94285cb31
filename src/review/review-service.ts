import crypto from 'node:crypto';
import os from 'node:os';
import { identityChangesSince, type IdentityField, type ReadIdentity } from '../core/registry/is-rename.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import type { Embedder } from '../adapters/embedders/types.js';
import type { VectorStore } from '../adapters/vector-stores/types.js';
import type { OpenDatabase } from '../db/open-database.js';
import { AuditRepository, REVIEW_PATIENT_CREATED } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { ReviewRepository } from '../db/repositories/review-repository.js';
import type { BatchFile, BatchFileUpdate, Patient } from '../db/schema.js';
import { serviceDown } from '../db/connection-loss.js';
import { StorageRefusedError } from '../db/storage-errors.js';
import { storeDocument } from '../documents/store-document.js';
import { ContentFiledMeanwhileError } from '../db/repositories/file-write-repository.js';
import { isProcessAlive } from '../process-alive.js';
import { claimStands, readClaim, withClaim, withoutClaim, type DecisionClaim } from './decision-claim.js';
import { loadReviewCase, pendingEntryOf } from './load-review-case.js';
import { readSessionSettings } from './session-settings.js';
import type { MessageClient } from '../core/pipeline/already-ingested.js';
import { textGoneAdvice } from '../core/pipeline/client-advice.js';
import type {
  CountsDelta,
  DecisionResult,
  FileSnapshot,
  NotRecordedCause,
  PatientIdentityText,
  PendingEntry,
  ReviewCase,
  ReviewChoice,
  UndoResult,
} from './types.js';

export interface VectorAdapters {
  embedder: Embedder;
  vectorStore: VectorStore;
  /** The collection the store is bound to, when it is not the one asked for (`review --collection`). */
  collection?: string;
}

export interface ReviewServiceOptions {
  database: OpenDatabase;
  /** Who decides, for the audit log (--user or the OS user). */
  reviewer: string;
  /** Who reads the files' messages a decision writes: the command line (default), or an HTTP API client. */
  client?: MessageClient;
  /** Opens the embedder and vector store of a collection; needed only for vectorized sessions. */
  openVectors?: (collection: string) => Promise<VectorAdapters>;
  /** Whether a process of this host still runs (tests); a claim of a dead one no longer stands. */
  isAlive?: (pid: number) => boolean;
}

/** What undo needs to put a file back exactly as it was. */
interface UndoEntry {
  fileId: string;
  batchId: string;
  choice: 'attach' | 'new_patient' | 'reject';
  before: FileSnapshot;
  documentId: string | null;
  collection: string | null;
  createdPatientId: string | null;
  contentSha256: string | null;
  delta: CountsDelta;
}

/**
 * Settles review-required files: attach to a candidate, create a new patient, reject, skip, and undo
 * the decisions of this sitting (most recent first). No React, no terminal: the UI and tests drive it.
 * Every decision is carried out at once and leaves an audit row with the reviewer, the choice and the
 * file's previous state. The kept text is used; the PDF is never read again.
 */
export class ReviewService {
  private readonly batches: BatchRepository;
  private readonly patients: PatientRepository;
  private readonly documents: DocumentRepository;
  private readonly reviews: ReviewRepository;
  private readonly undoStack: UndoEntry[] = [];
  private readonly vectors = new Map<string, Promise<VectorAdapters>>();
  /** This sitting, as its claims on files name it (see decision-claim). */
  private readonly sitting = crypto.randomUUID();
  /** Who settled the files settledAmong found settled, and as what (read again when the status changes). */
  private readonly settledSeen = new Map<string, { status: string; by: string | null }>();

  constructor(private readonly options: ReviewServiceOptions) {
    this.batches = new BatchRepository(options.database.db);
    this.patients = PatientRepository.forDatabase(options.database);
    this.documents = new DocumentRepository(options.database.db);
    this.reviews = new ReviewRepository(options.database.db);
  }

  get reviewer(): string {
    return this.options.reviewer;
  }

  /** How many decisions of this sitting can still be undone. */
  get undoDepth(): number {
    return this.undoStack.length;
  }

  /** A session's: its own, and those its re-run found already waiting elsewhere (pendingReviewsHeldBy). */
  async listPending(sessionId?: string): Promise<BatchFile[]> {
    return sessionId ? this.batches.pendingReviewsHeldBy(sessionId) : this.batches.pendingReviews();
  }

  /** The pending files as the list of cases shows them (session, date, reason). */
  async listPendingEntries(sessionId?: string): Promise<PendingEntry[]> {
    return (await this.listPending(sessionId)).map(pendingEntryOf);
  }

  async loadCase(fileId: string): Promise<ReviewCase> {
    const file = await this.batches.findFile(fileId);
    const reviewCase = await loadReviewCase(this.options.database, fileId, file ? { file } : {});
    // Said when it appears, not only once a key is refused: the reviewer moves on instead of reading it twice.
    const held = file ? this.heldElsewhere(file.matchingDetails, this.here()) : null;
    return {
      ...reviewCase,
      decidingElsewhere: held ? { by: held.by } : null,
      settledElsewhere: file && !isWaiting(file) ? await this.whoSettled(file) : null,
    };
  }

  /**
   * Which of these files no longer wait for review (settled by anybody: another terminal, the HTTP API, a
   * `review --reopen` or `documents detach` undone…), with their status and who settled them when the audit
   * log says. One read of the files' states; the audit is read only for a file whose status changed since the
   * last call, so that a screen can ask every few seconds.
   */
  async settledAmong(
    fileIds: readonly string[],
  ): Promise<Map<string, { status: string; by: string | null }>> {
    const states = await this.batches.matchingStatesOf(fileIds);
    const settled = new Map<string, { status: string; by: string | null }>();
    for (const [id, file] of states) {
      if (isWaiting(file)) {
        this.settledSeen.delete(id);
        continue;
      }
      let known = this.settledSeen.get(id);
      if (known?.status !== file.matchingStatus) {
        known = await this.whoSettled(file);
        this.settledSeen.set(id, known);
      }
      settled.set(id, known);
    }
    return settled;
  }

  /** The claim of another sitting that still stands on a file's matching_details, if any. */
  private heldElsewhere(
    details: string | null,
    here: ReturnType<ReviewService['here']>,
  ): DecisionClaim | null {
    const held = readClaim(details);
    return held && held.sitting !== this.sitting && claimStands(held, here) ? held : null;
  }

  private here() {
    return { host: os.hostname(), now: Date.now(), isAlive: this.options.isAlive ?? isProcessAlive };
  }

  /**
   * Why a write was not taken, when the database's storage refused it (locked by another program, a full or
   * failing disk) or a backend is down; null for any other error (a bug). A decision's writes are one
   * transaction, and a refused undo stays undoable: either can be asked for again once the cause is gone.
   */
  whyNotRecorded(error: unknown): NotRecordedCause | null {
    const down = serviceDown(error, this.options.database);
    if (!down) return null;
    return down instanceof StorageRefusedError
      ? down.problem
      : { kind: 'unavailable', message: down.message };
  }

  async decide(reviewCase: ReviewCase, choice: ReviewChoice): Promise<DecisionResult> {
    const found = await this.batches.findFile(reviewCase.fileId);
    if (!found)
      return {
        ok: false,
        fileId: reviewCase.fileId,
        message: 'the file is no longer in the database',
        notice: { code: 'file_gone' },
      };
    const claim = await this.claim(found);
    if (!claim.ok) return claim.refusal;
    let settled = false;
    try {
      const result = await this.carryOut(reviewCase, claim.file, choice);
      settled = result.ok && result.choice !== 'skip';
      return result;
    } finally {
      // Refused, skipped or failed: the file waits again, for anybody (a settled file has no claim left).
      if (!settled) await this.reviews.swapWaitingDetails(found.id, claim.text, claim.file.matchingDetails);
    }
  }

  /**
   * Claims a waiting file for this sitting's decision, or says why not: settled meanwhile (by whom), or
   * being decided in another sitting. The file returned is as it was before the claim.
   */
  private async claim(
    found: BatchFile,
  ): Promise<{ ok: true; file: BatchFile; text: string } | { ok: false; refusal: DecisionResult }> {
    let file = found;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!isWaiting(file)) {
        return { ok: false, refusal: await this.settledMeanwhile(file) };
      }
      const here = this.here();
      const held = this.heldElsewhere(file.matchingDetails, here);
      if (held) {
        return {
          ok: false,
          refusal: {
            ok: false,
            fileId: file.id,
            message: `${held.by} is deciding this file in another review sitting; nothing changed`,
            notice: { code: 'being_decided', by: held.by },
          },
        };
      }
      const before = withoutClaim(file.matchingDetails);
      const mine: DecisionClaim = {
        sitting: this.sitting,
        by: this.options.reviewer,
        host: here.host,
        pid: process.pid,
        at: new Date(here.now).toISOString(),
      };
      const text = withClaim(before, mine);
      if (await this.reviews.swapWaitingDetails(file.id, file.matchingDetails, text)) {
        return { ok: true, file: { ...file, matchingDetails: before }, text };
      }
      // Another sitting changed it between the read and the swap: judge it again as it is now.
      const now = await this.batches.findFile(file.id);
      if (!now) {
        return {
          ok: false,
          refusal: {
            ok: false,
            fileId: file.id,
            message: 'the file is no longer in the database',
            notice: { code: 'file_gone' },
          },
        };
      }
      file = now;
    }
    return { ok: false, refusal: await this.settledMeanwhile(file) };
  }

  /** The refusal of a decision on a file another sitting settled: naming who, when the audit log says. */
  private async settledMeanwhile(file: BatchFile): Promise<DecisionResult> {
    const { by } = await this.whoSettled(file);
    return {
      ok: false,
      fileId: file.id,
      message: `this file was settled meanwhile${by ? ` by ${by}` : ''} (now ${file.matchingStatus}); nothing changed`,
      notice: { code: 'settled_meanwhile', status: file.matchingStatus, by },
    };
  }

  /** A settled file's matching status, and who settled it when the audit log says. */
  private async whoSettled(
    file: Pick<BatchFile, 'id' | 'matchingStatus'>,
  ): Promise<{ status: string; by: string | null }> {
    const [latest] = await new AuditRepository(this.options.database.db).list({ fileId: file.id, limit: 1 });
    return { status: file.matchingStatus, by: latest?.actor || null };
  }

  private async carryOut(
    reviewCase: ReviewCase,
    file: BatchFile,
    choice: ReviewChoice,
  ): Promise<DecisionResult> {
    switch (choice.kind) {
      case 'skip':
        await this.audit(file, 'review_skipped', { choice: 'skip', previous: describeState(file) });
        return {
          ok: true,
          choice: 'skip',
          fileId: file.id,
          message: 'skipped: it stays pending',
          notice: { code: 'skipped' },
        };
      case 'reject':
        return this.reject(file);
      case 'attach': {
        const candidate = reviewCase.candidates[choice.candidate - 1];
        if (!candidate) {
          return {
            ok: false,
            fileId: file.id,
            message: `there is no candidate ${choice.candidate}`,
            notice: { code: 'no_candidate', candidate: choice.candidate },
          };
        }
        const patient = await this.patients.findById(candidate.patient.id);
        if (!patient) {
          return {
            ok: false,
            fileId: file.id,
            message: 'that patient is no longer in the registry',
            notice: { code: 'patient_gone' },
          };
        }
        const changed = identityChangesSince(candidate.patient, patient);
        if (changed.length > 0)
          return patientChanged(file.id, choice.candidate, changed, candidate.patient, patient);
        return this.attach(reviewCase, file, patient, false, {
          candidate_rank: choice.candidate,
          confidence: candidate.scores.combined,
          reasons: candidate.reasons,
        });
      }
      case 'new_patient':
        return this.createAndAttach(reviewCase, file);
    }
  }

  /** Reverts the most recent decision of this sitting; returns the file it concerned. */
  async undo(): Promise<UndoResult> {
    const entry = this.undoStack.pop();
    if (!entry)
      return { ok: false, message: 'nothing to undo in this sitting', notice: { code: 'nothing_to_undo' } };
    const current = await this.batches.findFile(entry.fileId);
    try {
      // The vectors go first. Deleted after the rows, a vector store that failed left the chunks under the
      // patient the reviewer had just taken the document off, with no document in the registry and nothing
      // left to undo: a search for that patient found them. This way a failure leaves the decision standing
      // (its vectors perhaps gone, never another patient's), and undo can be asked for again.
      if (entry.documentId && entry.collection) {
        const { vectorStore } = await this.openVectors(entry.collection);
        await vectorStore.deleteDocument(entry.documentId);
      }
      // One transaction: the decision is undone whole, or still stands.
      await this.revert(entry, current);
    } catch (error) {
      this.undoStack.push(entry);
      throw error;
    }
    return {
      ok: true,
      fileId: entry.fileId,
      choice: entry.choice,
      message: `undid ${describeChoice(entry.choice)}`,
      notice: { code: 'undone', choice: entry.choice },
    };
  }

  private async revert(entry: UndoEntry, current: BatchFile | undefined): Promise<void> {
    await this.reviews.revert({
      fileId: entry.fileId,
      batchId: entry.batchId,
      documentId: entry.documentId,
      restore: entry.before,
      createdPatientId: entry.createdPatientId,
      delta: negate(entry.delta),
      lift: entry.choice === 'reject' ? entry.contentSha256 : null,
      audit: (patientDeleted) => ({
        actor: this.options.reviewer,
        actorKind: 'reviewer',
        action: 'review_undone',
        batchId: entry.batchId,
        fileId: entry.fileId,
        documentId: entry.documentId,
        patientBefore: current?.patientId ?? null,
        patientAfter: entry.before.patientId,
        entityType: 'batch_file',
        entityId: entry.fileId,
        details: {
          undone: entry.choice,
          document_id: entry.documentId,
          patient_deleted: patientDeleted ? entry.createdPatientId : null,
          previous: current ? describeState(current) : null,
          restored: describeState(entry.before),
        },
      }),
    });
  }

  /**
   * Ends the sitting: undo is no longer possible, so the kept text of settled files is dropped (the
   * document holds what is needed), and the vector stores this service opened are released.
   */
  async close(): Promise<void> {
    // A rejected file keeps its text: `review --reopen` puts it straight back in review.
    const settled = this.undoStack.splice(0).filter((entry) => entry.choice !== 'reject');
    try {
      await this.reviews.dropKeptText(settled.map((entry) => entry.fileId));
    } catch (error) {
      // Locked or on a full disk: the decisions stand, and their text only stays on their files, as after a
      // sitting that was killed. Quitting must not fail for it.
      if (!this.whyNotRecorded(error)) throw error;
    }
    const opened = [...this.vectors.values()];
    this.vectors.clear();
    for (const adapters of opened) await (await adapters.catch(() => null))?.vectorStore.close();
  }

  private async reject(file: BatchFile): Promise<DecisionResult> {
    const delta: CountsDelta = { reviewRequired: -1, matchedPatients: 0, createdPatients: 0 };
    const at = new Date().toISOString();
    await this.reviews.applyDecision({
      fileId: file.id,
      batchId: file.batchId,
      update: {
        matchingStatus: 'rejected',
        processingStatus: 'completed',
        outcome: 'rejected',
        // As before this sitting claimed it (the claim goes with the decision).
        matchingDetails: file.matchingDetails,
        errorMessage: rejectedInReviewMessage(
          this.options.reviewer,
          file.id.slice(0, 8),
          this.options.client ?? 'cli',
        ),
      },
      delta,
      // Later runs set the same bytes aside until `review --reopen` (a file rejected in the morning must
      // not come back in the night's queue).
      rejection: file.contentSha256
        ? {
            contentSha256: file.contentSha256,
            batchFileId: file.id,
            sessionId: file.batchId,
            filename: file.filename,
            rejectedBy: this.options.reviewer,
            rejectedAt: at,
          }
        : null,
      audit: {
        actor: this.options.reviewer,
        actorKind: 'reviewer',
        action: 'review_rejected',
        batchId: file.batchId,
        fileId: file.id,
        entityType: 'batch_file',
        entityId: file.id,
        details: { choice: 'reject', filename: file.filename, previous: describeState(file) },
      },
    });
    this.undoStack.push({
      fileId: file.id,
      batchId: file.batchId,
      choice: 'reject',
      before: snapshot(file),
      documentId: null,
      collection: null,
      createdPatientId: null,
      contentSha256: file.contentSha256,
      delta,
    });
    return {
      ok: true,
      choice: 'reject',
      fileId: file.id,
      message: 'rejected: set aside, not ingested',
      notice: { code: 'rejected' },
    };
  }

  private async createAndAttach(reviewCase: ReviewCase, file: BatchFile): Promise<DecisionResult> {
    const parsed = reviewCase.parsed;
    if (!parsed)
      return {
        ok: false,
        fileId: file.id,
        message: 'the filename does not parse: reject or skip it',
        notice: { code: 'unparsable' },
      };
    const refusal = (owner: Patient): DecisionResult => {
      const written = owner.expediente === parsed.expediente ? undefined : parsed.expediente;
      const name = formatPatientName(owner);
      return {
        ok: false,
        fileId: file.id,
        message:
          (written === undefined
            ? `expediente ${owner.expediente} already belongs to ${name}: a second patient with the same expediente is impossible. `
            : `expediente ${written} is ${name}'s expediente ${owner.expediente} with other leading zeros: a second ` +
              'patient under that number is impossible. ') +
          'Attach to that patient if it is the same person, or reject the file.',
        notice: {
          code: 'expediente_taken',
          expediente: owner.expediente,
          name,
          ...(written ? { written } : {}),
        },
      };
    };
    // 30007004 beside the registry's 0030007004 is that number with its zeros lost (a spreadsheet's doing): a new
    // patient would be a second one under it, which the registry import refuses too.
    const owner = await this.patients.findNumberHolder(parsed.expediente);
    // A decision killed after it created the patient and before it stored the file left that patient behind:
    // made from this very filename, so taking the same decision again finishes it rather than refusing it.
    const resumed =
      owner !== undefined &&
      (await new AuditRepository(this.options.database.db).patientCreatedForFile(owner.id, file.id));
    if (owner && !resumed) return refusal(owner);
    const missing = await this.checkStorable(file);
    if (missing) return missing;
    const { patient, created } = resumed
      ? { patient: owner, created: true }
      : await this.patients.insertOrGet(
          {
            expediente: parsed.expediente,
            apellidoPaterno: parsed.apellidoPaterno,
            apellidoMaterno: parsed.apellidoMaterno,
            nombres: parsed.nombres,
          },
          'review',
          // In the patient's own transaction: a kill before the file is stored leaves a patient that says whom
          // and which file it was made for, never one nothing explains.
          (trx, inserted) =>
            new AuditRepository(trx).record({
              actor: this.options.reviewer,
              actorKind: 'reviewer',
              action: REVIEW_PATIENT_CREATED,
              batchId: file.batchId,
              fileId: file.id,
              entityType: 'patient',
              entityId: inserted.id,
              patientAfter: inserted.id,
              details: { filename: file.filename, expediente: inserted.expediente, source: 'review' },
            }),
        );
    if (!created) return refusal(patient);
    try {
      const attached = await this.attach(reviewCase, file, patient, true, {});
      // Refused (the same bytes filed meanwhile by another process): the patient made for this file goes too.
      if (!attached.ok) await this.patients.deleteIfUnused(patient.id);
      return attached;
    } catch (error) {
      // Storing failed: the patient created for this file must not stay behind without it.
      await this.patients.deleteIfUnused(patient.id);
      throw error;
    }
  }

  private async attach(
    reviewCase: ReviewCase,
    file: BatchFile,
    patient: Patient,
    created: boolean,
    details: Record<string, unknown>,
  ): Promise<DecisionResult> {
    const parsed = reviewCase.parsed;
    if (!parsed)
      return {
        ok: false,
        fileId: file.id,
        message: 'the filename does not parse: reject or skip it',
        notice: { code: 'unparsable' },
      };
    const missing = await this.checkStorable(file);
    if (missing) return missing;
    const session = await this.batches.findSession(file.batchId);
    if (!session)
      return {
        ok: false,
        fileId: file.id,
        message: 'the session of this file no longer exists',
        notice: { code: 'session_gone' },
      };
    const settings = readSessionSettings(session);
    const vectors =
      settings.processingType === 'complete' ? null : await this.openVectors(settings.collection);
    const choice = created ? 'new_patient' : 'attach';
    const delta: CountsDelta = {
      reviewRequired: -1,
      matchedPatients: created ? 0 : 1,
      createdPatients: created ? 1 : 0,
    };
    const fileUpdate: BatchFileUpdate = {
      matchingStatus: created ? 'new_patient' : 'matched',
      processingStatus: 'completed',
      outcome: 'ingested',
      errorMessage: null,
      // As before this sitting claimed it (the claim goes with the decision).
      matchingDetails: file.matchingDetails,
      // Kept until the sitting ends, so that undo can put the file back for review.
      extractedText: file.extractedText,
    };
    let stored: { documentId: string; chunks: number };
    try {
      stored = await storeDocument(
        {
          database: this.options.database,
          embedder: vectors?.embedder ?? null,
          vectorStore: vectors?.vectorStore ?? null,
        },
        {
          batchId: file.batchId,
          batchFileId: file.id,
          patient,
          parsed,
          text: file.extractedText!,
          pages: file.pages ?? 0,
          // Read by OCR at ingest: the document records it as an ingested one would.
          ocr: file.ocrEngine
            ? { engine: file.ocrEngine, pages: file.ocrPages ?? 0, confidence: file.ocrConfidence }
            : null,
          contentSha256: file.contentSha256!,
          processingType: settings.processingType,
          chunkSize: settings.chunkSize,
          chunkOverlap: settings.chunkOverlap,
          embedBatchSize: settings.embedBatchSize,
          actor: this.options.reviewer,
          actorKind: 'reviewer',
          fileUpdate,
          // With the document, in one transaction: a kill cannot leave the session's counts one decision behind.
          sessionCounts: { sessionId: file.batchId, delta },
          auditAction: created ? 'review_new_patient' : 'review_attached',
          auditDetails: { choice, created_patient: created, previous: describeState(file), ...details },
          // Checked above: an ingest that files the same bytes meanwhile keeps them, and this decision is refused.
          documentIsNew: true,
        },
      );
    } catch (error) {
      if (!(error instanceof ContentFiledMeanwhileError)) throw error;
      const refused = await this.checkStorable(file);
      if (!refused) throw error;
      return refused;
    }
    this.undoStack.push({
      fileId: file.id,
      batchId: file.batchId,
      choice,
      before: snapshot(file),
      documentId: stored.documentId,
      collection: vectors ? settings.collection : null,
      createdPatientId: created ? patient.id : null,
      contentSha256: file.contentSha256,
      delta,
    });
    const verb = created ? 'created patient' : 'attached to';
    return {
      ok: true,
      choice,
      fileId: file.id,
      message: `${verb} ${patient.expediente} ${formatPatientName(patient)} (${stored.chunks} chunks)`,
      notice: {
        code: created ? 'created' : 'attached',
        expediente: patient.expediente,
        name: formatPatientName(patient),
        chunks: stored.chunks,
      },
    };
  }

  /** Refuses what would need the PDF again or would move a document that another file already stored. */
  private async checkStorable(file: BatchFile): Promise<DecisionResult | null> {
    if (!file.extractedText || !file.contentSha256) {
      return {
        ok: false,
        fileId: file.id,
        message: textGoneAdvice(this.options.client ?? 'cli'),
        notice: { code: 'text_missing' },
      };
    }
    const existing = await this.documents.findBySha(file.contentSha256);
    if (existing) {
      return {
        ok: false,
        fileId: file.id,
        message:
          `the same content is already ingested as '${existing.filename}' for expediente ${existing.expediente}; ` +
          'reject this copy',
        notice: { code: 'already_ingested', filename: existing.filename, expediente: existing.expediente },
      };
    }
    return null;
  }

  private openVectors(collection: string): Promise<VectorAdapters> {
    let opened = this.vectors.get(collection);
    if (!opened) {
      const open = this.options.openVectors;
      if (!open)
        throw new Error('this session stores vectors, but no vector store was configured for review');
      opened = open(collection).then(async (adapters) => {
        await adapters.vectorStore.ensureCollection({
          // The store's own: `--collection` overrides the session's, and a store refuses any other name.
          name: adapters.collection ?? collection,
          embedderId: adapters.embedder.id,
          dimension: adapters.embedder.dimension,
        });
        return adapters;
      });
      this.vectors.set(collection, opened);
    }
    return opened;
  }

  private async audit(file: BatchFile, action: string, details: Record<string, unknown>): Promise<void> {
    await new AuditRepository(this.options.database.db).record({
      actor: this.options.reviewer,
      actorKind: 'reviewer',
      action,
      batchId: file.batchId,
      fileId: file.id,
      entityType: 'batch_file',
      entityId: file.id,
      details: { filename: file.filename, ...details },
    });
  }
}

function negate(delta: CountsDelta): CountsDelta {
  return {
    reviewRequired: -delta.reviewRequired,
    matchedPatients: -delta.matchedPatients,
    createdPatients: -delta.createdPatients,
  };
}

function snapshot(file: BatchFile): FileSnapshot {
  return {
    matchingStatus: file.matchingStatus,
    processingStatus: file.processingStatus,
    outcome: file.outcome,
    errorMessage: file.errorMessage,
    patientId: file.patientId,
    documentId: file.documentId,
    chunks: file.chunks,
    pages: file.pages,
    extractedText: file.extractedText,
    matchConfidence: file.matchConfidence,
    matchingDetails: file.matchingDetails,
    updatedAt: file.updatedAt,
  };
}

/** The previous state as the audit log records it (no text: the log must not hold document contents). */
function describeState(file: FileSnapshot): Record<string, unknown> {
  return {
    matching_status: file.matchingStatus,
    processing_status: file.processingStatus,
    outcome: file.outcome,
    match_confidence: file.matchConfidence,
    patient_id: file.patientId,
    document_id: file.documentId,
  };
}

function describeChoice(choice: UndoEntry['choice']): string {
  return choice === 'attach' ? 'the attach' : choice === 'new_patient' ? 'the new patient' : 'the rejection';
}

/**
 * A rejected file's message. Reopening is the records team's (`review --reopen`; the HTTP API has no route for
 * it): an API client is told to ask them, their command beside it.
 */
export function rejectedInReviewMessage(reviewer: string, fileId: string, client: MessageClient): string {
  const command = `\`tecsalud-batch review --reopen ${fileId}\``;
  return client === 'api'
    ? `rejected in review by ${reviewer}; later runs set the same content aside until the records team reopens it (${command})`
    : `rejected in review by ${reviewer}; later runs set the same content aside (${command} to review it again)`;
}

/** Whether a file still waits for a review decision (not settled by anybody since it was listed). */
function isWaiting(file: Pick<BatchFile, 'matchingStatus' | 'processingStatus'>): boolean {
  return file.matchingStatus === 'review_required' && file.processingStatus === 'pending';
}

/**
 * The refusal of an attach to a candidate the registry changed since the case was loaded: the decision was taken
 * on what the screen showed, so nothing is attached; the reviewer reads the case again as it is now.
 */
function patientChanged(
  fileId: string,
  candidate: number,
  changed: IdentityField[],
  read: ReadIdentity,
  now: ReadIdentity,
): DecisionResult {
  const was = identityText(read);
  const is = identityText(now);
  const differences = changed
    .map((field) => `${field} ${was[field] ?? '—'} → ${is[field] ?? '—'}`)
    .join('; ');
  return {
    ok: false,
    fileId,
    message:
      `candidate ${candidate} changed in the registry since the case was shown (${differences}): nothing ` +
      'attached; load the case again and decide on it as it is now',
    notice: { code: 'patient_changed', candidate, changed, was, now: is },
  };
}

function identityText(patient: ReadIdentity): PatientIdentityText {
  return {
    expediente: patient.expediente,
    name: formatPatientName(patient),
    birth_date: patient.fechaNacimiento?.trim() || null,
    sex: patient.sexo?.trim() || null,
  };
}
