import { createHash } from 'node:crypto';
import { deferredMessage } from '../core/pipeline/deferred-message.js';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ExtractionResult } from '../adapters/extraction/types.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { ParsedFilename } from '../core/filename/types.js';
import { readContentIdentity } from '../core/content/read-content-identity.js';
import type { CrossCheckContentResult } from '../core/content/cross-check-content.js';
import type { ContentCheckDetails } from '../core/content/types.js';
import type { MatchDecision } from '../core/matching/types.js';
import { documentIdForContent } from '../core/pipeline/document-id.js';
import { expedientesOfOtherPatient } from '../core/pipeline/copy-names-another-patient.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { checkPdfFile, HEADER_WINDOW } from '../core/pipeline/check-pdf-file.js';
import { OCR_DEFAULTS } from '../core/pipeline/ocr-options.js';
import {
  endsLikeWholePdf,
  renamedByTransfer,
  stillBeingWritten,
  transferFinalName,
  type FileState,
} from '../core/pipeline/still-being-written.js';
import type { FileOcr, MatchSummary, OcrPageProgress, PipelineStage } from '../core/pipeline/events.js';
import {
  FILE_OUTCOMES,
  outcomeKind,
  processingStatusFor,
  type FileOutcome,
} from '../core/pipeline/file-outcome.js';
import { alreadyWaitingForReview, isRemembered } from './settle-known-files.js';
import { DropFileReader, unreadableError } from './read-drop-file.js';
import {
  GROWTH_WATCH_MS,
  invalidNameMessage,
  refuseOutsideSource,
  transferStillUnderWay,
} from './check-drop-file.js';
import { AuditRepository, type AuditEvent } from '../db/repositories/audit-repository.js';
import { BatchRepository } from '../db/repositories/batch-repository.js';
import { DocumentRepository } from '../db/repositories/document-repository.js';
import { RejectionRepository } from '../db/repositories/rejection-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { withPatientCreationLock } from '../db/patient-creation-lock.js';
import type { BatchFile, MedicalDocument, Patient, SettledFile } from '../db/schema.js';
import type { DiscoveredFile } from './discover-files.js';
import { detachDocument } from '../documents/detach-document.js';
import { FileStageError } from '../documents/stage-error.js';
import { documentOcrOf, prepareDocument, type DocumentOcr } from '../documents/store-document.js';
import type { GroupCommitter } from './group-committer.js';
import {
  ContentFiledMeanwhileError,
  PatientRenamedMeanwhileError,
} from '../db/repositories/file-write-repository.js';
import { crossCheckAgainstRegistry, matchAgainstRegistry } from '../db/match-against-registry.js';
import { isPlannedPatientId, PlannedPatients, plannedPatientId } from '../db/planned-patients.js';
import type { NamesInFolder } from './names-in-folder.js';
import { FileNotFinished, FileRun, type Settled } from './file-run.js';
import { InMemoryContentClaims, type ContentClaims, type HolderEnd } from './content-claims.js';
import { EXTRACTION_OUTCOMES } from './extraction-outcome.js';
import { SourceFolder } from './source-folder.js';
import { ingestedResultFromRow } from './recorded-result.js';
import type { ProcessedFile } from './session-tally.js';
import { runAuditActor, type IngestDependencies, type IngestOptions } from './types.js';
import { alreadyIngestedMessage, type MessageClient } from '../core/pipeline/already-ingested.js';
import {
  API_SESSIONS_PATH,
  interruptedFileMessage,
  moveDocumentAdvice,
  otherPatientsCopyEnd,
  reopenRejectedAdvice,
  settleReviewKnowingBothAdvice,
  settleTakenBackAdvice,
  setAsideCopyAdvice,
} from '../core/pipeline/client-advice.js';
import { formatLocalTimestamp } from '../core/text/local-timestamp.js';

export interface FileToProcess extends DiscoveredFile {
  fileId: string;
  /**
   * A queue job's later attempt: an earlier one (a worker that died, outlived its job's timeout, or put the
   * job back for a backend down) may have created this file's patient already, which the file then still
   * counts as its creation.
   */
  retried?: boolean;
}

/** Extracted text, as a successful extraction returns it. */
type Extracted = Extract<ExtractionResult, { ok: true }>;

/** Whether a file that needs work (past the checks that settle it without its text) may take it now. */
export type Admission = () => boolean;

/**
 * One file through parse → validate → (already ingested?) → match → extract → hold for review, or attach /
 * create the patient → chunk → embed → store. Every file ends in one outcome, which `process` returns with
 * the patient it matched or created; the caller keeps the counts (see SessionTally). The steps need only
 * the session, the options and the adapters, so a worker can run them on files of its own.
 *
 * A file that needs work asks `admit` first (the run's --max-files window): refused, it is recorded
 * `deferred` for a later run. Files settled before that — a bad name, a failed check, content already
 * ingested or waiting for review — take no place in the window.
 */
export class FileProcessor {
  private readonly batches: BatchRepository;
  private readonly documents: DocumentRepository;
  private readonly rejections: RejectionRepository;
  private readonly patients: PatientRepository;
  private readonly reader: DropFileReader;
  /** The folder as the run found it, to tell a file's failure from the whole folder's going away. */
  private readonly sourceFolder: SourceFolder | null;
  /** Contents being judged against their document now, one copy at a time (see oneContentAtATime). */
  private readonly judging = new Map<string, Promise<void>>();

  constructor(
    private readonly sessionId: string,
    private readonly options: IngestOptions,
    private readonly deps: IngestDependencies,
    private totalPatients: number,
    private readonly onStage: (file: FileToProcess, stage: PipelineStage, ocrPage?: OcrPageProgress) => void,
    /** Writes each file's final state, grouped with other files' (see GroupCommitter). */
    private readonly committer: GroupCommitter,
    private readonly admit: Admission = () => true,
    /** The folder the files are in (real path): their final states are remembered under it. */
    private readonly sourceDir: string | null = null,
    /** The first file of the session with each content, to ingest identical bytes under two names only once. */
    private readonly claims: ContentClaims = new InMemoryContentClaims(),
    /** The files of the run naming each expediente: a new patient's name comes from the first (nameOfNewPatient). */
    private readonly names: NamesInFolder | null = null,
  ) {
    this.batches = new BatchRepository(deps.database.db);
    this.documents = new DocumentRepository(deps.database.db);
    this.rejections = new RejectionRepository(deps.database.db);
    this.patients = PatientRepository.forDatabase(deps.database);
    this.reader = new DropFileReader({ maxFileSize: options.maxFileSize });
    this.sourceFolder = sourceDir ? new SourceFolder(sourceDir) : null;
  }

  /**
   * What to do with the file of this session holding a copy's content, settled other than ingested: an API
   * client is given the review decision route when that file waits for review (it cannot run `review`).
   */
  private async settleHolderAdvice(holderPath: string, kind: string): Promise<string> {
    const holder =
      this.client === 'api' && kind === 'review'
        ? await this.batches.findFileByPath(this.sessionId, holderPath)
        : undefined;
    return holder
      ? settleReviewKnowingBothAdvice({ sessionId: this.sessionId, fileId: holder.id }, 'api', 'file')
      : 'settle that file knowing both names';
  }

  /** Who reads the files' messages, and so whose advice they give: the command line's, or an API client's. */
  private get client(): MessageClient {
    return this.options.client ?? 'cli';
  }

  /**
   * `handOff` is called when the file's work is done and only its write remains, or only its embedding
   * request and its write (a gathering embedder's), so that the caller can start another file meanwhile
   * (the request and the write wait to be grouped with others'). It may be called more than once.
   */
  async process(file: FileToProcess, handOff: () => void = () => undefined): Promise<ProcessedFile> {
    const run = new FileRun(file, this.onStage);
    try {
      const processed = await this.steps(run, handOff);
      if (run.takenBack) processed.takenBack = run.takenBack;
      if (run.holder !== null) processed.holder = run.holder;
      // The copies of its content waiting for this file (if it holds the content) share its end.
      const { contentSha256, outcome, message } = processed.result;
      if (contentSha256) this.claims.ended(contentSha256, file, { outcome, message });
      return processed;
    } catch (error) {
      if (run.result.contentSha256) this.claims.ended(run.result.contentSha256, file, null);
      // Not this file's failure (a backend down, the database gone): the file stays for the next run.
      throw error instanceof FileNotFinished ? error : new FileNotFinished(error, run.createdPatient);
    }
  }

  private async steps(run: FileRun, handOff: () => void): Promise<ProcessedFile> {
    const { file } = run;
    try {
      this.refuseTransferUnderWay(file);
      await this.settleRenamedByTransfer(file);
      const parsed = await this.parse(run);
      const sha = await run.timed('validate', () => this.validate(run));
      run.result.contentSha256 = sha;
      run.known = {
        contentSha256: sha,
        expediente: parsed.expediente,
        documentType: parsed.documentType,
        documentTypeCode: parsed.documentTypeCode,
        numero: parsed.numero,
      };
      const duplicate = await this.findDuplicate(run, sha, handOff);
      if (duplicate) return await this.settle(run, duplicate, handOff);
      if (!this.admit()) {
        return await this.settle(
          run,
          { outcome: 'deferred', message: deferredMessage(this.options.maxFiles) },
          handOff,
        );
      }

      let byFilename = await run.timed('match', () => this.match(parsed));
      run.result.match = summarizeMatch(byFilename);
      const extraction = await this.extract(run, handOff);
      // Before anything is attached: the document's own text may name somebody else (issue 15).
      let checked = await run.timed('content', () => this.crossCheck(parsed, byFilename, extraction));
      // A `new` file was matched before its text was read; meanwhile another file of the run (or another process)
      // may have created its patient, whom the text then names: "the filename describes a new patient, the
      // document names registry patient X" held a typo the run attaches when it takes the files one at a time
      // (ERNESTO DAIVD beside ERNESTO DAVID: 0.975). Matched again, it is judged as a file matched after that
      // creation would be; the registry unchanged, it stays `new` and its hold stands.
      if (byFilename.decision === 'new' && checked.decision.decision !== 'new') {
        const now = await run.timed('match', () => this.match(parsed));
        if (now.decision !== 'new') {
          byFilename = now;
          checked = await run.timed('content', () => this.crossCheck(parsed, now, extraction));
        }
      }
      const decision = checked.decision;
      run.result.match = summarizeMatch(decision, checked.details);
      const ocr = documentOcrOf(extraction.ocr);
      if (ocr) run.result.ocr = this.describeOcr(ocr);
      run.known = {
        ...run.known,
        matchConfidence: decision.confidence,
        matchingDetails: JSON.stringify(decision.matchingDetails),
        ...(ocr
          ? {
              ocrEngine: ocr.engine,
              ocrPages: ocr.pages,
              ocrConfidence: ocr.confidence,
              lowOcrConfidence: run.result.ocr?.lowConfidence ? 1 : 0,
            }
          : {}),
      };
      const attached = this.options.force ? await this.attachedElsewhere(sha, parsed, decision) : null;
      if (attached) {
        return await this.store(
          run,
          parsed,
          checked,
          { patient: attached, created: false },
          { ...extraction, ocr },
          handOff,
          {
            note:
              `re-ingested for expediente ${attached.expediente}, the patient this content is attached to (the ` +
              `filename names ${parsed.expediente}); \`tecsalud-batch documents move\` changes the patient`,
            filenameDecision: decision.decision,
          },
        );
      }
      if (decision.decision === 'review') {
        return await this.holdForReview(
          run,
          extraction,
          {
            outcome: 'review_required',
            message: `held for review: ${decision.reason}${reviewNote(checked)}`,
          },
          handOff,
        );
      }
      const resolved =
        decision.decision === 'new'
          ? // One creation at a time in the registry — this run's files, and any other process's (see resolveNewPatient).
            await withPatientCreationLock(this.deps.database, () =>
              this.resolveNewPatient(run, parsed, decision),
            )
          : await this.resolvePatient(parsed, decision, file);
      if (resolved !== null && 'heldBecause' in resolved) {
        return await this.holdForReview(
          run,
          extraction,
          {
            outcome: 'review_required',
            message: `held for review: ${run.result.match?.reason ?? 'review'} (${resolved.heldBecause})`,
          },
          handOff,
        );
      }
      run.createdPatient = resolved?.created ?? false;
      if (!resolved) {
        return await this.holdForReview(
          run,
          extraction,
          {
            outcome: 'patient_conflict',
            message:
              `expediente ${parsed.expediente} was just created for a differently named patient by another file of ` +
              'this batch; held for review',
          },
          handOff,
        );
      }
      return await this.store(run, parsed, checked, resolved, { ...extraction, ocr }, handOff);
    } catch (error) {
      if (!(error instanceof FileStageError)) throw error;
      // Failed because the whole folder went away (one stat, for failing files only): not this file's failure.
      await this.sourceFolder?.refuseGone();
      return this.settle(run, { outcome: error.outcome, message: error.message }, handOff);
    }
  }

  private async parse(run: FileRun): Promise<ParsedFilename> {
    const parse = await run.timed('parse', () => parseFilename(run.result.filename));
    run.result.parse = parse;
    // Past refuseTransferUnderWay, a transfer's name is one no tool is writing to any more.
    if (!parse.ok)
      throw new FileStageError('invalid_name', invalidNameMessage(run.file, parse, this.options, Date.now()));
    return parse.parsed;
  }

  /**
   * Extracts the text. A scan waiting for OCR hands its slot over (`handOff`), so that text-layer files
   * go on meanwhile; Ctrl-C drops it from the OCR queue or stops its OCR, and it stays pending for the next run.
   */
  private async extract(run: FileRun, handOff: () => void): Promise<Extracted> {
    const signal = this.options.signal;
    const extraction = await run.timed('extract', async () => {
      try {
        return await this.deps.extractor.extract(run.file.absolutePath, {
          onWaiting: handOff,
          onOcrPage: (progress) => run.ocrPage(progress),
          ...(signal ? { waitSignal: signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted && error === signal.reason)
          throw new FileStageError('interrupted', interruptedFileMessage('ocr', this.client));
        throw error;
      }
    });
    await this.refuseChangedSinceRead(run);
    if (!extraction.ok) {
      run.result.pages = extraction.pages ?? null;
      // Ctrl-C signals the terminal's whole process group: a child still starting has not yet learnt to
      // ignore it and dies under the file. During an interrupt such a failure is the interrupt's, not the
      // file's: it stays pending, and the next run reads it again (failed, it would never be retried).
      if (signal?.aborted && extraction.outcome === 'extraction_error') {
        throw new FileStageError('interrupted', interruptedFileMessage('text', this.client));
      }
      throw new FileStageError(EXTRACTION_OUTCOMES[extraction.outcome], extraction.message);
    }
    run.result.pages = extraction.pages;
    return extraction;
  }

  private describeOcr(ocr: DocumentOcr): FileOcr {
    const threshold = this.options.ocr?.minConfidence ?? OCR_DEFAULTS.minConfidence;
    return { ...ocr, lowConfidence: ocr.confidence !== null && ocr.confidence < threshold };
  }

  /**
   * Reads the identity the document states (first pages first) and checks it against the filename's
   * decision; the registry is asked only when the document names somebody the decision does not lead to.
   */
  private async crossCheck(
    parsed: ParsedFilename,
    decision: MatchDecision,
    extraction: Extracted,
  ): Promise<CrossCheckContentResult> {
    const identity = readContentIdentity(extraction.pageTexts ?? extraction.text, {
      referenceYear: new Date().getFullYear(),
    });
    return crossCheckAgainstRegistry(
      this.patients,
      { filename: parsed, decision, identity, trustContent: this.options.trustContent === true },
      { totalPatients: this.totalPatients, thresholds: this.options.thresholds },
    );
  }

  /** A file held for review keeps its text, so that settling the review does not read the PDF again. */
  private holdForReview(
    run: FileRun,
    extraction: Pick<Extracted, 'text' | 'pages'>,
    held: Settled,
    handOff: () => void,
  ) {
    run.matchingStatus = 'review_required';
    run.known = { ...run.known, extractedText: extraction.text, pages: extraction.pages };
    return this.settle(run, held, handOff);
  }

  /** Chunks, embeds and writes the document for the patient, grouped with other files' writes. */
  private async store(
    run: FileRun,
    parsed: ParsedFilename,
    checked: CrossCheckContentResult,
    resolved: { patient: Patient; created: boolean },
    extraction: Pick<Extracted, 'text' | 'pages'> & { ocr: DocumentOcr | null },
    handOff: () => void,
    /** --force kept the content on the patient it is attached to: why, for the file's message and the audit. */
    kept: { note: string; filenameDecision: MatchDecision['decision'] } | null = null,
  ): Promise<ProcessedFile> {
    const { result, file } = run;
    const { decision, details } = checked;
    run.matchingStatus = resolved.created ? 'new_patient' : 'matched';
    if (result.match) {
      result.match.status = run.matchingStatus;
      result.match.patientExpediente = resolved.patient.expediente;
    }
    // prepareDocument reports its stage changes; each stage's time runs until the next one starts.
    let storeStage: PipelineStage | null = null;
    let storeStageStarted = 0;
    const closeStoreStage = () => {
      if (storeStage) run.addTime(storeStage, performance.now() - storeStageStarted);
    };
    const prepared = await prepareDocument(this.deps, {
      batchId: this.sessionId,
      batchFileId: file.fileId,
      patient: resolved.patient,
      parsed,
      text: extraction.text,
      pages: extraction.pages,
      ocr: extraction.ocr,
      contentSha256: result.contentSha256!,
      processingType: this.options.processingType,
      chunkSize: this.options.chunkSize,
      chunkOverlap: this.options.chunkOverlap,
      embedBatchSize: this.options.embedBatchSize,
      ...runAuditActor(this.options),
      fileUpdate: {
        ...run.known,
        matchingStatus: run.matchingStatus,
        processingStatus: 'completed',
        outcome: 'ingested',
        errorMessage: kept?.note ?? null,
      },
      auditAction: 'document_ingested',
      auditDetails: {
        decision: decision.decision,
        confidence: decision.confidence,
        reason: decision.reason,
        content_verdict: details.verdict,
        ...(kept ? { kept_on_attached_patient: true, filename_decision: kept.filenameDecision } : {}),
      },
      onStage: (stage) => {
        closeStoreStage();
        storeStage = stage;
        storeStageStarted = performance.now();
        run.stage(stage);
        // A gathering embedder (a remote API's) fills its requests with the chunks of many files: the
        // file waits for its request without holding a slot, so that the next files get there too.
        if (stage === 'embed' && this.deps.embedder?.backlog !== undefined) handOff();
      },
    });
    closeStoreStage();
    if (decision.reason === 'content_confirmed')
      prepared.audit.push(this.contentConfirmed(run, checked, resolved.patient));
    run.stage('store');
    const written = this.committer.write({
      ...prepared,
      // Not --force: the content was no document when this file was judged, and must not become another's.
      document: {
        ...prepared.document!,
        isNew: !this.options.force,
        // The name the match saw (resolved.patient is read again afterwards, and may carry a rename already).
        patientAsMatched: decision.patient?.id === resolved.patient.id ? decision.patient : resolved.patient,
      },
      settled: this.remembered(file, 'ingested', result.contentSha256, null),
    });
    handOff();
    try {
      run.addTime('store', await written);
    } catch (error) {
      // A registry import renamed the patient since the match (another person now): nothing is attached to them.
      if (error instanceof PatientRenamedMeanwhileError) {
        const { before, now } =
          error.renamed.find((renamed) => renamed.documentId === prepared.document!.row.id) ??
          error.renamed[0]!;
        result.documentId = null;
        result.chunks = null;
        if (result.match) result.match.status = 'review_required';
        return await this.holdForReview(
          run,
          extraction,
          {
            outcome: 'review_required',
            message:
              `held for review: a registry import renamed expediente ${resolved.patient.expediente} from ` +
              `'${formatPatientName(before)}' to '${formatPatientName(now)}' while this file, matched to the ` +
              'first name, was being processed; nothing was attached',
          },
          handOff,
        );
      }
      // Another process (a run of another folder, `serve`, a worker) filed the same bytes meanwhile: this file is
      // judged against its document as if it had been there first — a duplicate, or a copy for another patient.
      if (!(error instanceof ContentFiledMeanwhileError)) throw error;
      const settled = await this.judgeAgainstDocument(run, result.contentSha256!);
      if (!settled) throw error;
      run.matchingStatus = 'pending';
      if (result.match) result.match.status = 'pending';
      return await this.settle(run, settled, handOff);
    }
    result.documentId = prepared.document!.row.id;
    result.chunks = prepared.document!.row.chunksCount;
    result.outcome = 'ingested';
    result.processingStatus = 'completed';
    if (kept) result.message = kept.note;
    return { result, patient: resolved.created ? 'created' : 'matched' };
  }

  /**
   * `--trust-content` attached a file the filename alone would have sent to review: the audit says whom
   * the filename led to, whom the document named, and the text that named them.
   */
  private contentConfirmed(run: FileRun, checked: CrossCheckContentResult, patient: Patient): AuditEvent {
    const { details } = checked;
    return {
      ...runAuditActor(this.options),
      action: 'content_confirmed',
      batchId: this.sessionId,
      entityType: 'batch_file',
      entityId: run.file.fileId,
      details: {
        filename: run.result.filename,
        document_id: documentIdForContent(run.result.contentSha256!),
        patient_before: details.filename_decision.patient_id,
        patient_after: patient.id,
        expediente: patient.expediente,
        filename_decision: details.filename_decision,
        identity: details.identity,
        reasons: details.reasons,
      },
    };
  }

  /** Records a final state other than ingested. */
  private async settle(run: FileRun, settled: Settled, handOff: () => void): Promise<ProcessedFile> {
    const { result } = run;
    result.outcome = settled.outcome;
    result.message = settled.message;
    result.processingStatus = processingStatusFor(result.outcome);
    const written = this.committer.write({
      batchFileId: result.fileId,
      fileUpdate: {
        pages: result.pages,
        ...run.known,
        outcome: result.outcome,
        errorMessage: result.message,
        processingStatus: result.processingStatus,
        matchingStatus: run.matchingStatus,
      },
      document: null,
      audit: [],
      settled: this.remembered(run.file, result.outcome, result.contentSha256, result.message),
    });
    handOff();
    await written;
    return { result, patient: run.createdPatient ? 'created' : null };
  }

  /** The file as it is on disk, to remember with a final state a later run can settle it from unread. */
  private remembered(
    file: FileToProcess,
    outcome: FileOutcome,
    sha: string | null,
    message: string | null,
  ): SettledFile | null {
    if (!this.sourceDir || !sha || file.size === null || file.mtimeMs === null || !isRemembered(outcome))
      return null;
    return {
      sourceDir: this.sourceDir,
      relativePath: file.relativePath,
      size: file.size,
      mtimeMs: file.mtimeMs,
      contentSha256: sha,
      outcome,
      errorMessage: message,
      batchId: this.sessionId,
      settledAt: new Date().toISOString(),
    };
  }

  /** Reads the bytes once for the checks and the content hash. */
  private async validate(run: FileRun): Promise<string> {
    const { file } = run;
    refuseOutsideSource(file);
    let bytes: Buffer;
    let state: FileState;
    try {
      ({ bytes, state } = await this.reader.readWithState(file.absolutePath, file.size));
    } catch (error) {
      throw unreadableError(error);
    }
    // Read as the listing found it, and as long as the file said: else a copy is under way.
    const asRead = { size: bytes.length, mtimeMs: state.mtimeMs };
    const found =
      file.size !== null && file.mtimeMs !== null ? { size: file.size, mtimeMs: file.mtimeMs } : null;
    this.refuseStillBeingWritten({ before: found, now: asRead });
    const check = checkPdfFile(
      { filename: file.relativePath, size: bytes.length, head: bytes.subarray(0, HEADER_WINDOW) },
      { maxFileSize: this.options.maxFileSize },
    );
    // A PDF cut short and changed moments ago may be a copy under way: watched a moment, one that grows is left
    // for the next run (not failed `corrupt`, nor read as far as it goes as half a document). One that stays as
    // it is, is judged as it is: a truncated PDF put in the drop just before the run is corrupt, not a copy.
    // An empty one likewise: cp, rsync and SMB create the file first and write to it after, so a file created
    // moments ago is empty until the first bytes land; failed `empty_file` then, it would be quarantined under
    // the copy. An empty file nothing writes to stays `empty_file`.
    if ((!check || check.outcome === 'empty_file') && this.mayStillBeWritten(asRead, bytes)) {
      await this.refuseIfStillGrowing(file.absolutePath, asRead);
    }
    if (check) throw new FileStageError(check.outcome, check.message);
    run.readAs = asRead;
    return createHash('sha256').update(bytes).digest('hex');
  }

  /** A `.filepart`, `.part`, `.tmp`… written moments ago is not a bad name: its tool renames it once complete. */
  private refuseTransferUnderWay(file: FileToProcess): void {
    const why = transferStillUnderWay(file, this.options, Date.now());
    if (why) throw new FileStageError('still_being_written', why);
  }

  /**
   * A file under a transfer's name (`x.pdf.filepart`) that is no longer there while its final name is: its tool
   * renamed it once complete, after it was registered (a queue job postponed while the transfer went on). Not a
   * bad name nor a file lost: it ends `renamed_by_transfer`, and the final name carries the document.
   */
  private async settleRenamedByTransfer(file: FileToProcess): Promise<void> {
    if (file.outsideSource || file.size !== null || file.mtimeMs !== null) return;
    const finalName = transferFinalName(path.basename(file.relativePath));
    if (!finalName) return;
    const finalPath = path.join(path.dirname(file.absolutePath), finalName);
    const there = await fs.stat(finalPath).then(
      (stat) => stat.isFile(),
      () => false,
    );
    if (!there) return;
    const relativeFinal = path.posix.join(path.posix.dirname(file.relativePath), finalName);
    const registered = (await this.batches.findFileByPath(this.sessionId, relativeFinal)) !== undefined;
    throw new FileStageError('renamed_by_transfer', renamedByTransfer(relativeFinal, registered));
  }

  /**
   * Cut short (no %%EOF at its end; an empty file neither) and changed within --still-writing-seconds: a copy
   * under way, or a damaged (or empty) file.
   */
  private mayStillBeWritten(asRead: FileState, bytes: Buffer): boolean {
    const windowMs = this.options.stillWritingMs;
    if (windowMs === undefined) return false;
    return (
      stillBeingWritten(
        { before: null, now: asRead, endsWhole: endsLikeWholePdf(bytes) },
        { nowMs: Date.now(), windowMs },
      ) !== null
    );
  }

  /** Looks at the file again after a moment: a copy under way has grown (or been touched) meanwhile. */
  private async refuseIfStillGrowing(absolutePath: string, asRead: FileState): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, GROWTH_WATCH_MS));
    const now = await fs.stat(absolutePath).catch(() => null);
    if (now) this.refuseStillBeingWritten({ before: asRead, now: { size: now.size, mtimeMs: now.mtimeMs } });
  }

  /** With --still-writing-seconds (a folder's run), a file that looks like a copy under way stays for the next run. */
  private refuseStillBeingWritten(facts: Parameters<typeof stillBeingWritten>[0]): void {
    const windowMs = this.options.stillWritingMs;
    if (windowMs === undefined) return;
    const why = stillBeingWritten(facts, { nowMs: Date.now(), windowMs });
    if (why) throw new FileStageError('still_being_written', why);
  }

  /**
   * The extractor reads the file from disk again: a file that changed since its bytes were hashed is a copy
   * under way, and what was extracted may be half of it.
   */
  private async refuseChangedSinceRead(run: FileRun): Promise<void> {
    if (this.options.stillWritingMs === undefined || !run.readAs) return;
    const now = await this.reader.stateOf(run.file.absolutePath, run.readAs.size);
    if (now) this.refuseStillBeingWritten({ before: run.readAs, now });
  }

  /** Content this run has seen, already ingested, or already waiting for review: settled without its text. */
  private async findDuplicate(run: FileRun, sha: string, handOff: () => void): Promise<Settled | null> {
    const { file } = run;
    const first = await this.claims.claim(sha, file);
    if (first !== null) {
      const copy = await this.copyOf(run, sha, first, handOff);
      if (copy) {
        run.holder = first;
        return copy;
      }
    }
    const filed = await this.oneContentAtATime(sha, () => this.judgeAgainstDocument(run, sha));
    if (filed) return filed;
    // Rejected in review: set aside on every later run, until `review --reopen` lifts it.
    const rejected = await this.rejections.find(sha);
    if (rejected) {
      run.matchingStatus = 'rejected';
      return {
        outcome: 'previously_rejected',
        message:
          `rejected in review by ${rejected.rejectedBy} on ${formatLocalTimestamp(rejected.rejectedAt, 'en', 'date')} (as '${rejected.filename}'); ` +
          `set aside — ${reopenRejectedAdvice(sha.slice(0, 12), this.client)}`,
      };
    }
    const waiting = await this.batches.findPendingReviewBySha(sha);
    if (waiting && waiting.id !== file.fileId) {
      const filedUnder = expedientesOfOtherPatient(run.known.expediente!, waiting);
      if (filedUnder) {
        return otherPatientsCopy(
          run.known.expediente!,
          `the same content ('${waiting.filename}') is waiting for review`,
          filedUnder,
          settleReviewKnowingBothAdvice({ sessionId: waiting.batchId, fileId: waiting.id }, this.client),
          this.client,
        );
      }
      return alreadyWaitingForReview(waiting, this.client);
    }
    return null;
  }

  /**
   * The content as a document already holds it. A document of this very session that the run attached on
   * its own (no person confirmed it) whose file names another expediente than this copy is taken back into
   * review: the same bytes claimed for two patients mean one of the names is wrong, and which file got
   * attached depended only on the order the run took them up. A document filed by an earlier session, or
   * one a person attached or moved, stays; the copy fails naming it. Null: no document holds the content
   * (or `--force` re-reads it).
   */
  private async judgeAgainstDocument(run: FileRun, sha: string): Promise<Settled | null> {
    const { file } = run;
    const existing = await this.documents.findBySha(sha);
    // This very file's document, written by an earlier attempt whose worker died before the file's row
    // said so: the retry is that attempt again (it rewrites the same ids), not a duplicate.
    if (!existing || existing.batchFileId === file.fileId) return null;
    const expediente = run.known.expediente!;
    const filedUnder = expedientesOfOtherPatient(expediente, existing);
    if (filedUnder && existing.batchId === this.sessionId && !(await this.confirmedByPerson(existing))) {
      return this.takeBackIntoReview(run, existing, filedUnder);
    }
    if (this.options.force) return null;
    if (filedUnder) {
      const documentId = existing.id.slice(0, 8);
      return otherPatientsCopy(
        expediente,
        `the same content was ingested on ${existing.createdAt.slice(0, 10)} as '${existing.filename}' for ` +
          `expediente ${existing.expediente} (document ${documentId})`,
        filedUnder,
        moveDocumentAdvice(documentId, expediente, this.client),
        this.client,
      );
    }
    return {
      outcome: 'duplicate',
      message: alreadyIngestedMessage(existing, this.client),
    };
  }

  /** Whether a person attached or moved the document (review, \`documents move\`): then it is theirs to undo. */
  private async confirmedByPerson(document: MedicalDocument): Promise<boolean> {
    const decided = await new AuditRepository(this.deps.database.db).latestForDocumentPrefix(document.id, [
      ...PERSON_DECISIONS,
    ]);
    return decided !== undefined;
  }

  /**
   * Detaches the document (its vectors go, so no search finds it under the patient it may not be
   * anybody's) and puts its file back in review with a reason naming both files and both expedientes;
   * the copy fails naming it. The copy's result carries the holder's new state for the run's report.
   */
  private async takeBackIntoReview(
    run: FileRun,
    document: MedicalDocument,
    filedUnder: string[],
  ): Promise<Settled> {
    const expediente = run.known.expediente!;
    const holder = document.batchFileId ? await this.batches.findFile(document.batchFileId) : undefined;
    const holderPath = holder?.relativePath ?? document.filename;
    const documentId = document.id.slice(0, 8);
    const reason = takenBackReason({
      copy: run.file.relativePath,
      copyExpediente: expediente,
      expediente: document.expediente,
      documentId,
      sessionId: this.sessionId,
      fileId: document.batchFileId,
      client: this.client,
    });
    const detached = await detachDocument(
      { database: this.deps.database, vectorStore: this.deps.vectorStore },
      {
        ...runAuditActor(this.options),
        document,
        chunkOverlap: this.options.chunkOverlap,
        reason,
        copy: { expediente, relativePath: run.file.relativePath },
      },
    );
    // The holder as the run reported it, for the report and the counts to take back (see OutcomeChanges).
    if (holder?.outcome === 'ingested' && holder.id === detached.fileId) {
      run.takenBack = {
        fileId: detached.fileId,
        relativePath: holderPath,
        message: reason,
        previous: {
          result: ingestedResultFromRow(holder, document.expediente, document.vectorized === 1),
          patient: holder.matchingStatus === 'new_patient' ? 'created' : 'matched',
        },
      };
    }
    return otherPatientsCopy(
      expediente,
      `identical content to '${holderPath}' in this session, which the run had attached to expediente ` +
        `${document.expediente} and has taken back to review`,
      filedUnder,
      settleTakenBackAdvice(holderPath, { sessionId: this.sessionId, fileId: detached.fileId }, this.client),
      this.client,
    );
  }

  /**
   * Runs \`judge\` for one content at a time: copies of one content judged at once (--concurrency) would each
   * find the document, and take it back twice.
   */
  private async oneContentAtATime<T>(sha: string, judge: () => Promise<T>): Promise<T> {
    const before = this.judging.get(sha) ?? Promise.resolve();
    const turn = before.then(judge, judge);
    const settledTurn = turn.then(
      () => undefined,
      () => undefined,
    );
    this.judging.set(sha, settledTurn);
    try {
      return await turn;
    } finally {
      if (this.judging.get(sha) === settledTurn) this.judging.delete(sha);
    }
  }

  /**
   * A copy of content another file of the session holds: it waits (its slot handed over) for that file's
   * end and shares it. Ingested, waiting for review or settled as already known, the content is done once:
   * the copy is `duplicate_in_batch`. Failed (or left for a later run), nothing was ingested: the copy ends
   * the same way, naming the file whose end it shares — never done, so a re-run treats it as it treats that
   * file. The holder stopped unfinished: so does the copy (it stays for the next run). A copy that names
   * another expediente than the holder is `duplicate_other_patient`, never done. Null: judge the copy alone.
   */
  private async copyOf(
    run: FileRun,
    sha: string,
    first: string,
    handOff: () => void,
  ): Promise<Settled | null> {
    handOff();
    const end = await this.claims.holderEnd(sha, first, () => this.recordedEnd(first));
    if (!end)
      throw new Error(`the file with identical content, '${first}', did not finish; neither did this one`);
    // The holder was refused for the expediente its name gives, not for its bytes; or it found the content
    // filed before this run (a document, or a file waiting for review): either way this copy's own name is
    // judged against what is filed, as if it came first — whichever of the two the run took up first.
    if (
      end.outcome === 'duplicate_other_patient' ||
      end.outcome === 'duplicate' ||
      end.outcome === 'already_pending_review'
    ) {
      return null;
    }
    const kind = outcomeKind(end.outcome);
    const filedUnder = expedientesOfOtherPatient(run.known.expediente!, { filename: first });
    // The holder was attached by this run for the patient its own name gives, and this copy names another:
    // which one was attached depends only on which the run took up first. Judged against the document, the
    // holder goes back to review (see judgeAgainstDocument).
    if (filedUnder && end.outcome === 'ingested') return null;
    if (filedUnder && (kind === 'done' || kind === 'review')) {
      return otherPatientsCopy(
        run.known.expediente!,
        `identical content to '${first}' in this batch (${FILE_OUTCOMES[end.outcome].label})`,
        filedUnder,
        end.outcome === 'ingested'
          ? moveDocumentAdvice(documentIdForContent(sha).slice(0, 8), run.known.expediente!, this.client)
          : end.outcome === 'rejected' || end.outcome === 'previously_rejected'
            ? setAsideCopyAdvice(sha.slice(0, 12), this.client)
            : await this.settleHolderAdvice(first, kind),
        this.client,
      );
    }
    if (kind === 'review') {
      // A holder a copy naming another patient took back into review (by another worker, or an earlier run):
      // this copy's content waits in that review, it was not ingested once.
      return {
        outcome: 'duplicate_in_batch',
        message: end.takenBack ? takenBackWithMessage(first) : sharesReviewMessage(first),
      };
    }
    if (end.outcome === 'rejected' || end.outcome === 'previously_rejected')
      return { outcome: 'duplicate_in_batch', message: setAsideWithMessage(first) };
    if (kind === 'done') return { outcome: 'duplicate_in_batch', message: ingestedOnceMessage(first) };
    const why = end.message ?? FILE_OUTCOMES[end.outcome].label;
    return {
      outcome: end.outcome,
      message:
        kind === 'failed'
          ? `identical content to '${first}' in this batch, which failed (${end.outcome}): ${why}; not ingested`
          : `identical content to '${first}' in this batch, which was not finished (${end.outcome}): ${why}`,
    };
  }

  /**
   * The final state the row of the session's file at `relativePath` records, or null while it has none (no
   * outcome yet, or one a later run takes): the holder of a content, seen from a copy's worker.
   */
  private async recordedEnd(relativePath: string): Promise<HolderEnd | null> {
    const row = await this.batches.findFileByPath(this.sessionId, relativePath);
    const outcome = row?.outcome;
    if (!outcome || !Object.hasOwn(FILE_OUTCOMES, outcome)) return null;
    if (outcomeKind(outcome as FileOutcome) === 'pending') return null;
    return { outcome: outcome as FileOutcome, message: row.errorMessage, takenBack: isTakenBack(row) };
  }

  /**
   * `--force` re-reads content that is already a document. Its patient is the registry's answer — perhaps a
   * reviewer's decision, or a `documents move` that corrected a wrong filename — so re-ingesting it must not
   * hand it back to whom the filename names, silently undoing that decision. Returns the patient it stays
   * with when the filename would attach it to another (or create one); null when the file goes the ordinary
   * way — a file the match holds for review still goes to review, where a person sees both.
   */
  private async attachedElsewhere(
    sha: string,
    parsed: ParsedFilename,
    decision: MatchDecision,
  ): Promise<Patient | null> {
    if (decision.decision === 'review') return null;
    const existing = await this.documents.findBySha(sha);
    if (!existing) return null;
    const byFilename =
      decision.decision === 'auto'
        ? decision.patient?.id
        : (await this.patients.findByExpediente(parsed.expediente))?.id;
    if (byFilename === existing.patientId) return null;
    return (await this.patients.findById(existing.patientId)) ?? null;
  }

  private async match(parsed: ParsedFilename): Promise<MatchDecision> {
    return matchAgainstRegistry(this.patients, parsed, {
      totalPatients: this.totalPatients,
      thresholds: this.options.thresholds,
    });
  }

  /**
   * A `new` file, matched again just before its patient is created, one creation at a time: the files of a
   * batch are matched side by side before any of them has created its patient, so a patient another file
   * created meanwhile (this very name one keystroke from this expediente, a typo of one of the two) was
   * no candidate yet. Whether it becomes a second patient or a review must not depend on which file's
   * extraction ended first. `review` when the registry as it is now sends the file to review.
   */
  private async resolveNewPatient(
    run: FileRun,
    parsed: ParsedFilename,
    decision: MatchDecision,
  ): Promise<{ patient: Patient; created: boolean } | { heldBecause: string } | null> {
    const recheck = await this.match(parsed);
    if (recheck.decision === 'new') {
      const named = await this.nameOfNewPatient(parsed);
      if ('name' in named) return this.resolvePatient(parsed, decision, run.file, named);
      this.recordDecidedNow(run, decision, withoutPlannedPatients(named.decision));
      return {
        heldBecause:
          `expediente ${parsed.expediente} is new, and its patient takes the name of ` +
          `'${named.firstFile.filename}', the first file of this folder naming it`,
      };
    }
    this.recordDecidedNow(run, decision, recheck);
    return recheck.decision === 'review'
      ? { heldBecause: 'a patient another file of this batch has just created' }
      : this.resolvePatient(parsed, recheck, run.file);
  }

  /**
   * Records the file as decided now (attached to the patient just created, or held with the reason and the
   * candidates), with what the document's text said kept.
   */
  private recordDecidedNow(run: FileRun, before: MatchDecision, now: MatchDecision): void {
    const { content } = before.matchingDetails;
    run.result.match = summarizeMatch(now, run.result.match?.content ?? null);
    run.known = {
      ...run.known,
      matchConfidence: now.confidence,
      matchingDetails: JSON.stringify({ ...now.matchingDetails, ...(content ? { content } : {}) }),
    };
  }

  /**
   * The name a new patient is created under when several files of the folder name its expediente: that of the
   * first of them, in path order, that matching sends to a new patient — the file `ingest --dry-run` plans as
   * `new` — whichever of them is created first (files run side by side, and which one's extraction ends first
   * is chance). A file whose own name is clearly another person's than that name is held for review, as it is
   * when that file has created the patient already (and as the dry run plans it). Asked under the creation
   * lock, once the registry has no patient of this expediente.
   */
  private async nameOfNewPatient(
    parsed: ParsedFilename,
  ): Promise<{ name: ParsedFilename } | { firstFile: ParsedFilename; decision: MatchDecision }> {
    const tried = new Set<string>();
    for (const named of (await this.names?.naming(parsed.expediente)) ?? []) {
      // The file itself, or one spelled as it is (matched alike): it names the patient.
      if (sameSpelling(named, parsed)) break;
      // Many documents of one spelling match alike: once is enough.
      const spelling = `${named.apellidoPaterno}|${named.apellidoMaterno}|${named.nombres}`;
      if (tried.has(spelling)) continue;
      tried.add(spelling);
      if ((await this.match(named)).decision !== 'new') continue;
      const planned = new PlannedPatients(this.patients);
      planned.add(named);
      const joined = await matchAgainstRegistry(planned, parsed, {
        totalPatients: this.totalPatients + 1,
        thresholds: this.options.thresholds,
      });
      return joined.decision === 'auto' && joined.patient?.id === plannedPatientId(parsed.expediente)
        ? { name: named }
        : { firstFile: named, decision: joined };
    }
    return { name: parsed };
  }

  /**
   * `auto` attaches to the matched patient; `new` creates the patient — or, when another file of the
   * batch created it a moment ago, attaches to it only if the names agree. Returns null when they do not.
   */
  private async resolvePatient(
    parsed: ParsedFilename,
    decision: MatchDecision,
    file: FileToProcess,
    /** A new patient's name, when another file of the folder gives it (see nameOfNewPatient). */
    named: { name: ParsedFilename } = { name: parsed },
  ): Promise<{ patient: Patient; created: boolean } | null> {
    if (decision.decision === 'auto' && decision.patient) {
      const patient = await this.patients.findById(decision.patient.id);
      if (patient) return { patient, created: await this.createdByEarlierAttempt(file, patient) };
    }
    const { name } = named;
    const { patient, created } = await this.patients.insertOrGet(
      {
        expediente: parsed.expediente,
        apellidoPaterno: name.apellidoPaterno,
        apellidoMaterno: name.apellidoMaterno,
        nombres: name.nombres,
      },
      'batch_ingest',
      (trx, inserted) =>
        new AuditRepository(trx).record({
          ...runAuditActor(this.options),
          action: 'patient_created',
          batchId: this.sessionId,
          entityType: 'patient',
          entityId: inserted.id,
          details: {
            expediente: inserted.expediente,
            source: 'batch_ingest',
            filename: parsed.filename,
            reason: decision.reason,
            file_id: file.fileId,
            ...(name === parsed ? {} : { named_after: name.filename }),
          },
        }),
    );
    if (created) {
      this.totalPatients++;
      return { patient, created };
    }
    if (await this.createdByEarlierAttempt(file, patient)) return { patient, created: true };
    const recheck = await this.match(parsed);
    return recheck.decision === 'auto' && recheck.patient?.id === patient.id
      ? { patient, created: false }
      : null;
  }

  /** Whether an earlier attempt of this very file created `patient` (its audit row names the file). */
  private async createdByEarlierAttempt(file: FileToProcess, patient: Patient): Promise<boolean> {
    if (!file.retried) return false;
    const creation = await new AuditRepository(this.deps.database.db).patientCreatedIn(
      this.sessionId,
      patient.id,
    );
    return creation?.file_id === file.fileId;
  }
}

/** Whether two file names spell the patient alike (matching reads nothing else of them). */
function sameSpelling(a: ParsedFilename, b: ParsedFilename): boolean {
  return (
    a.apellidoPaterno === b.apellidoPaterno &&
    a.apellidoMaterno === b.apellidoMaterno &&
    a.nombres === b.nombres
  );
}

/**
 * A decision made against a patient not yet created, as recorded for the review: its suggestions name only
 * registry patients (a client attaching to a suggestion's id must find it).
 */
function withoutPlannedPatients(decision: MatchDecision): MatchDecision {
  const planned = (id: string | undefined) => id !== undefined && isPlannedPatientId(id);
  return {
    ...decision,
    patient: planned(decision.patient?.id) ? null : decision.patient,
    candidates: decision.candidates.filter((c) => !planned(c.patient.id)),
    matchingDetails: {
      ...decision.matchingDetails,
      suggestions: decision.matchingDetails.suggestions.filter((s) => !planned(s.patient_id)),
    },
  };
}

/** Audit actions of a person deciding which patient a document is: the run does not undo them. */
const PERSON_DECISIONS = ['review_attached', 'review_new_patient', 'document_moved'] as const;

/** How the detail of a file taken back into review starts (see takeBackIntoReview). */
const TAKEN_BACK = 'taken back to review: ';

/** Whether a file's row records it taken back into review by a copy naming another patient. */
export function isTakenBack(row: Pick<BatchFile, 'outcome' | 'errorMessage'>): boolean {
  return row.outcome === 'review_required' && row.errorMessage?.startsWith(TAKEN_BACK) === true;
}

/**
 * Why a file the run had attached went back to review: a copy of its content, in the same session, names
 * another expediente (see takeBackIntoReview).
 */
export function takenBackReason(c: {
  copy: string;
  copyExpediente: string;
  expediente: string;
  documentId: string;
  sessionId: string;
  /** This file's id (the review route's), for an API client. */
  fileId?: string | null;
  client?: MessageClient;
}): string {
  const judged =
    `${TAKEN_BACK}'${c.copy}', in the same session, has identical content but names expediente ` +
    `${c.copyExpediente}, while this file names ${c.expediente}, to which the run had attached it ` +
    `(document ${c.documentId}); one of the two file names is wrong. Check the document and `;
  // An API client cannot run `review`; the decision route is an admin's, and the other upload is the server's.
  if (c.client === 'api' && c.fileId) {
    return (
      judged +
      `have an admin attach it to the right patient (POST ${API_SESSIONS_PATH}/${c.sessionId}/review/${c.fileId}/decision); ` +
      'there is no need to upload the other file again'
    );
  }
  return (
    judged +
    `attach it to the right patient in \`tecsalud-batch review ${c.sessionId.slice(0, 8)}\`; then remove the other file`
  );
}

/** A copy's detail when the file holding its content ended first (see copyOf); rewritten if that one is taken back. */
export function ingestedOnceMessage(holder: string): string {
  return `identical content to '${holder}' in this batch; ingested once`;
}

/**
 * A copy's detail when the file holding its content went to review instead (its name needs an admin, or its
 * expediente is taken): nothing was ingested, and what the reviewer decides for that file holds for the content.
 */
export function sharesReviewMessage(holder: string): string {
  return `identical content to '${holder}' in this batch, which is waiting for an admin review; settled with that review`;
}

/** A copy's detail when the file holding its content was set aside, its content rejected in review. */
export function setAsideWithMessage(holder: string): string {
  return `identical content to '${holder}' in this batch, which was set aside (a reviewer rejected the same content); not ingested`;
}

/** The detail of such a copy once its holder was taken back into review: the content waits there. */
export function takenBackWithMessage(holder: string): string {
  return (
    `identical content to '${holder}' in this batch, which was taken back to review (another file of the session ` +
    'names another patient for it); settled with that review'
  );
}

export { deferredMessage };

/**
 * Why a document was held, in words that name nobody (the message reaches logs), and that say what the
 * text contradicts: a birth date alone is not "another patient", and a second patient further in the file
 * is not the document's own.
 */
function reviewNote(checked: CrossCheckContentResult): string {
  if (checked.decision.reason !== 'content_mismatch') return '';
  const { compared_with: filenamePatient, fields, content_patient: named, identity } = checked.details;
  // Not every check without a filename patient (compared_with null) is a new patient's: a review whose first
  // candidate is under another expediente (an expediente typo, a homonym) is compared with the filename too.
  if (checked.details.filename_decision.decision === 'new')
    return " (the filename describes a new patient; the document's own text names somebody else)";
  const namesAnother =
    fields.expediente === 'differs' ||
    fields.nombre === 'differs' ||
    fields.nombre === 'uncertain' ||
    (named !== null && named.patient_id !== filenamePatient?.patient_id);
  if (namesAnother) return " (the document's own text names another patient than the filename)";
  if (identity.other_expedientes.length > 0 || identity.other_names.length > 0)
    return " (the document's own text also names a second patient further in the file)";
  return " (the document's own birth date or sex differs from the filename's patient's)";
}

function summarizeMatch(decision: MatchDecision, content: ContentCheckDetails | null = null): MatchSummary {
  return {
    content,
    decision: decision.decision,
    status: decision.decision === 'review' ? 'review_required' : 'pending',
    confidence: decision.confidence,
    reason: decision.reason,
    patientExpediente: decision.patient?.expediente ?? null,
    candidates: decision.candidates.map((c) => ({
      expediente: c.patient.expediente,
      name: formatPatientName(c.patient),
      confidence: c.scores.combined,
      reasons: c.reasons,
    })),
  };
}

/**
 * A copy of content already filed under another expediente: failed (it needs a person), never a done
 * duplicate, and nothing is attached for the expediente this file names.
 */
export function otherPatientsCopy(
  expediente: string,
  filed: string,
  filedUnder: string[],
  remedy: string,
  client: MessageClient,
): Settled {
  return {
    outcome: 'duplicate_other_patient',
    message:
      `${filed}, but this file names expediente ${expediente}, not ${filedUnder.join(' or ')}: one of the two ` +
      `file names is wrong, and nothing was attached to ${expediente}. Check the document: ${remedy}; ` +
      otherPatientsCopyEnd(client),
  };
}
