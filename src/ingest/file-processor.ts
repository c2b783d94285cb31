import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExtractionResult } from '../adapters/extraction/types.js';
import { OCR_DEFAULTS } from '../adapters/ocr/types.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { ParsedFilename } from '../core/filename/types.js';
import type { MatchDecision } from '../core/matching/types.js';
import { checkPdfFile } from '../core/pipeline/check-pdf-file.js';
import type {
  FileOcr,
  FileResult,
  MatchSummary,
  PipelineStage,
  SessionTotals,
} from '../core/pipeline/events.js';
import { outcomeKind, processingStatusFor, type FileOutcome } from '../core/pipeline/file-outcome.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import type { BatchFileUpdate, MatchingStatus, Patient } from '../db/schema.js';
import type { DiscoveredFile } from './discover-files.js';
import { FileStageError } from './stage-error.js';
import { documentOcrOf, prepareDocument } from './store-document.js';
import type { GroupCommitter } from './group-committer.js';
import { matchAgainstRegistry } from './match-against-registry.js';
import type { IngestDependencies, IngestOptions } from './types.js';

export interface FileToProcess extends DiscoveredFile {
  fileId: string;
}

const EXTRACTION_OUTCOMES: Record<Exclude<ExtractionResult, { ok: true }>['outcome'], FileOutcome> = {
  encrypted: 'encrypted',
  corrupt: 'corrupt',
  image_only: 'image_only',
  timeout: 'extraction_timeout',
  too_large_memory: 'extraction_memory',
  unreadable: 'unreadable',
  extraction_error: 'extraction_error',
};

/** Runs one file through parse → validate → match → extract → chunk → embed → store. */
export class FileProcessor {
  private readonly batches: BatchRepository;
  private readonly documents: DocumentRepository;
  private readonly patients: PatientRepository;
  /** Content hashes seen in this run, to ingest identical bytes under two names only once. */
  private readonly seenInBatch = new Map<string, string>();

  constructor(
    private readonly sessionId: string,
    private readonly options: IngestOptions,
    private readonly deps: IngestDependencies,
    private readonly totals: SessionTotals,
    private totalPatients: number,
    private readonly onStage: (file: FileToProcess, stage: PipelineStage) => void,
    /** Writes each file's final state, grouped with other files' (see GroupCommitter). */
    private readonly committer: GroupCommitter,
  ) {
    this.batches = new BatchRepository(deps.database.db);
    this.documents = new DocumentRepository(deps.database.db);
    this.patients = new PatientRepository(deps.database.db);
  }

  /**
   * `handOff` is called when the file's work is done and only its write remains, so that the caller can
   * start another file meanwhile (the write waits to be grouped with others').
   */
  async process(file: FileToProcess, handOff: () => void = () => undefined): Promise<FileResult> {
    const result: FileResult = {
      fileId: file.fileId,
      relativePath: file.relativePath,
      filename: path.basename(file.relativePath),
      outcome: 'ingested',
      processingStatus: 'completed',
      message: null,
      parse: null,
      match: null,
      pages: null,
      chunks: null,
      documentId: null,
      contentSha256: null,
      stageMs: {},
    };
    let matchingStatus: MatchingStatus = 'pending';
    // What is known of the file so far; written once, with its final state.
    let known: BatchFileUpdate = {};
    const timed = async <T>(stage: PipelineStage, work: () => Promise<T> | T): Promise<T> => {
      this.onStage(file, stage);
      const started = performance.now();
      try {
        return await work();
      } finally {
        result.stageMs[stage] = (result.stageMs[stage] ?? 0) + performance.now() - started;
      }
    };
    try {
      const parse = await timed('parse', () => parseFilename(result.filename));
      result.parse = parse;
      if (!parse.ok) throw new FileStageError('invalid_name', parse.error.message);
      const parsed = parse.parsed;

      const sha = await timed('validate', () => this.validate(file));
      result.contentSha256 = sha;
      known = {
        contentSha256: sha,
        expediente: parsed.expediente,
        documentType: parsed.documentType,
        documentTypeCode: parsed.documentTypeCode,
        numero: parsed.numero,
      };
      await this.rejectDuplicates(file, sha);

      const decision = await timed('match', () => this.match(parsed));
      result.match = summarizeMatch(decision);

      const extraction = await timed('extract', () => this.extract(file, handOff));
      if (!extraction.ok) {
        result.pages = extraction.pages ?? null;
        throw new FileStageError(EXTRACTION_OUTCOMES[extraction.outcome], extraction.message);
      }
      result.pages = extraction.pages;
      const ocr = documentOcrOf(extraction.ocr);
      if (ocr) result.ocr = this.describeOcr(ocr);

      known = {
        ...known,
        matchConfidence: decision.confidence,
        matchingDetails: JSON.stringify(decision.matchingDetails),
        ...(ocr
          ? {
              ocrEngine: ocr.engine,
              ocrPages: ocr.pages,
              ocrConfidence: ocr.confidence,
              lowOcrConfidence: result.ocr?.lowConfidence ? 1 : 0,
            }
          : {}),
      };
      // A file held for review keeps its text, so that settling the review does not read the PDF again.
      const heldForReview = { ...known, extractedText: extraction.text, pages: extraction.pages };
      if (decision.decision === 'review') {
        matchingStatus = 'review_required';
        known = heldForReview;
        result.outcome = 'review_required';
        result.message = `held for review: ${decision.reason}`;
        return this.finish(result, matchingStatus, known, handOff);
      }

      const resolved = await this.resolvePatient(parsed, decision);
      if (!resolved) {
        matchingStatus = 'review_required';
        known = heldForReview;
        result.outcome = 'patient_conflict';
        result.message =
          `expediente ${parsed.expediente} was just created for a differently named patient by another file of ` +
          'this batch; held for review';
        return this.finish(result, matchingStatus, known, handOff);
      }
      matchingStatus = resolved.created ? 'new_patient' : 'matched';
      if (result.match) {
        result.match.status = matchingStatus;
        result.match.patientExpediente = resolved.patient.expediente;
      }
      // prepareDocument reports its stage changes; each stage's time runs until the next one starts.
      let storeStage: PipelineStage | null = null;
      let storeStageStarted = 0;
      const closeStoreStage = () => {
        if (storeStage) {
          result.stageMs[storeStage] =
            (result.stageMs[storeStage] ?? 0) + performance.now() - storeStageStarted;
        }
      };
      const prepared = await prepareDocument(this.deps, {
        batchId: this.sessionId,
        batchFileId: file.fileId,
        patient: resolved.patient,
        parsed,
        text: extraction.text,
        pages: extraction.pages,
        ocr,
        contentSha256: sha,
        processingType: this.options.processingType,
        chunkSize: this.options.chunkSize,
        chunkOverlap: this.options.chunkOverlap,
        embedBatchSize: this.options.embedBatchSize,
        actor: this.options.uploadedBy,
        fileUpdate: {
          ...known,
          matchingStatus,
          processingStatus: 'completed',
          outcome: 'ingested',
          errorMessage: null,
        },
        auditAction: 'document_ingested',
        auditDetails: {
          decision: decision.decision,
          confidence: decision.confidence,
          reason: decision.reason,
        },
        onStage: (stage) => {
          closeStoreStage();
          storeStage = stage;
          storeStageStarted = performance.now();
          this.onStage(file, stage);
        },
      });
      closeStoreStage();
      this.onStage(file, 'store');
      const written = this.committer.write(prepared);
      handOff();
      result.stageMs.store = (result.stageMs.store ?? 0) + (await written);
      if (resolved.created) this.totals.createdPatients++;
      else this.totals.matchedPatients++;
      result.documentId = prepared.document!.row.id;
      result.chunks = prepared.document!.row.chunksCount;
      this.totals.chunks += result.chunks;
      this.totals.pages += extraction.pages;
      result.outcome = 'ingested';
      result.processingStatus = 'completed';
      this.bump(result.outcome);
      return result;
    } catch (error) {
      if (!(error instanceof FileStageError)) throw error;
      result.outcome = error.outcome;
      result.message = error.message;
      return this.finish(result, matchingStatus, known, handOff);
    }
  }

  /**
   * Extracts the text. A scan waiting for OCR hands its slot over (`handOff`), so that text-layer files
   * go on meanwhile; Ctrl-C drops it from the OCR queue, and it stays pending for the next run.
   */
  private async extract(file: FileToProcess, handOff: () => void): Promise<ExtractionResult> {
    const signal = this.options.signal;
    try {
      return await this.deps.extractor.extract(file.absolutePath, {
        onWaiting: handOff,
        ...(signal ? { waitSignal: signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted && error === signal.reason)
        throw new FileStageError(
          'interrupted',
          'stopped while waiting for OCR; run the same command again to finish it',
        );
      throw error;
    }
  }

  private describeOcr(ocr: { engine: string; pages: number; confidence: number | null }): FileOcr {
    const threshold = this.options.ocr?.minConfidence ?? OCR_DEFAULTS.minConfidence;
    return { ...ocr, lowConfidence: ocr.confidence !== null && ocr.confidence < threshold };
  }

  /** Records a final state other than ingested. */
  private async finish(
    result: FileResult,
    matchingStatus: MatchingStatus,
    known: BatchFileUpdate,
    handOff: () => void,
  ): Promise<FileResult> {
    result.processingStatus = processingStatusFor(result.outcome);
    const written = this.committer.write({
      batchFileId: result.fileId,
      fileUpdate: {
        pages: result.pages,
        ...known,
        outcome: result.outcome,
        errorMessage: result.message,
        processingStatus: result.processingStatus,
        matchingStatus,
      },
      document: null,
      audit: [],
    });
    handOff();
    await written;
    this.bump(result.outcome);
    return result;
  }

  private bump(outcome: FileOutcome): void {
    const kind = outcomeKind(outcome);
    if (kind === 'failed') this.totals.failedFiles++;
    else if (kind === 'review') this.totals.reviewRequired++;
    else if (kind === 'pending') this.totals.deferred++;
    if (outcome === 'duplicate' || outcome === 'duplicate_in_batch') this.totals.duplicates++;
    this.totals.processedFiles++;
  }

  /** Reads the bytes once for the checks and the content hash. */
  private async validate(file: FileToProcess): Promise<string> {
    if (file.outsideSource) {
      throw new FileStageError(
        'outside_source',
        'the file is a symlink whose target is missing or outside the source folder; it was not read',
      );
    }
    let bytes: Buffer;
    let size: number;
    try {
      const stat = await fs.stat(file.absolutePath);
      size = stat.size;
      const check = checkPdfFile(
        { filename: file.relativePath, size, head: new Uint8Array(0) },
        { maxFileSize: this.options.maxFileSize },
      );
      // Size and extension first, so an oversized file is never read into memory.
      if (check && check.outcome !== 'not_pdf') throw new FileStageError(check.outcome, check.message);
      bytes = await fs.readFile(file.absolutePath);
    } catch (error) {
      if (error instanceof FileStageError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const reason =
        code === 'EACCES' || code === 'EPERM'
          ? 'permission denied (check the file’s permissions)'
          : code === 'ENOENT'
            ? 'the file disappeared before it could be read'
            : (error as Error).message;
      throw new FileStageError('unreadable', `cannot read the file: ${reason}`);
    }
    const check = checkPdfFile(
      { filename: file.relativePath, size: bytes.length, head: bytes.subarray(0, 1024) },
      { maxFileSize: this.options.maxFileSize },
    );
    if (check) throw new FileStageError(check.outcome, check.message);
    return createHash('sha256').update(bytes).digest('hex');
  }

  private async rejectDuplicates(file: FileToProcess, sha: string): Promise<void> {
    const first = this.seenInBatch.get(sha);
    if (first !== undefined) {
      throw new FileStageError(
        'duplicate_in_batch',
        `identical content to '${first}' in this batch; ingested once`,
      );
    }
    this.seenInBatch.set(sha, file.relativePath);
    if (!this.options.force) {
      const existing = await this.documents.findBySha(sha);
      if (existing) {
        throw new FileStageError(
          'duplicate',
          `already ingested on ${existing.createdAt.slice(0, 10)} as '${existing.filename}' for expediente ` +
            `${existing.expediente} (use --force to re-ingest)`,
        );
      }
    }
    const waiting = await this.batches.findPendingReviewBySha(sha);
    if (waiting && waiting.id !== file.fileId) {
      throw new FileStageError(
        'already_pending_review',
        `the same content ('${waiting.filename}') is already waiting for review; settle it with \`tecsalud-batch review\``,
      );
    }
  }

  private async match(parsed: ParsedFilename): Promise<MatchDecision> {
    return matchAgainstRegistry(this.patients, parsed, {
      totalPatients: this.totalPatients,
      thresholds: this.options.thresholds,
    });
  }

  /**
   * `auto` attaches to the matched patient; `new` creates the patient — or, when another file of the
   * batch created it a moment ago, attaches to it only if the names agree. Returns null when they do not.
   */
  private async resolvePatient(
    parsed: ParsedFilename,
    decision: MatchDecision,
  ): Promise<{ patient: Patient; created: boolean } | null> {
    if (decision.decision === 'auto' && decision.patient) {
      const patient = await this.patients.findById(decision.patient.id);
      if (patient) return { patient, created: false };
    }
    const { patient, created } = await this.patients.insertOrGet(
      {
        expediente: parsed.expediente,
        apellidoPaterno: parsed.apellidoPaterno,
        apellidoMaterno: parsed.apellidoMaterno,
        nombres: parsed.nombres,
      },
      'batch_ingest',
    );
    if (created) {
      this.totalPatients++;
      await new AuditRepository(this.deps.database.db).record({
        actor: this.options.uploadedBy,
        action: 'patient_created',
        batchId: this.sessionId,
        entityType: 'patient',
        entityId: patient.id,
        details: {
          expediente: patient.expediente,
          source: 'batch_ingest',
          filename: parsed.filename,
          reason: decision.reason,
        },
      });
      return { patient, created };
    }
    const recheck = await this.match(parsed);
    return recheck.decision === 'auto' && recheck.patient?.id === patient.id
      ? { patient, created: false }
      : null;
  }
}

function summarizeMatch(decision: MatchDecision): MatchSummary {
  return {
    decision: decision.decision,
    status: decision.decision === 'review' ? 'review_required' : 'pending',
    confidence: decision.confidence,
    reason: decision.reason,
    patientExpediente: decision.patient?.expediente ?? null,
    candidates: decision.candidates.map((c) => ({
      expediente: c.patient.expediente,
      name: `${c.patient.apellidoPaterno}${c.patient.apellidoMaterno ? ` ${c.patient.apellidoMaterno}` : ''}, ${c.patient.nombres}`,
      confidence: c.scores.combined,
      reasons: c.reasons,
    })),
  };
}
