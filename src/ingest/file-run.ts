import path from 'node:path';
import type { FileResult, OcrPageProgress, PipelineStage } from '../core/pipeline/events.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';
import type { FileState } from '../core/pipeline/still-being-written.js';
import type { BatchFileUpdate, MatchingStatus } from '../db/schema.js';
import type { FileToProcess } from './file-processor.js';
import type { TakenBack } from './session-tally.js';

/** An outcome settled before the file's text is read: a copy of content already ingested or waiting. */
export interface Settled {
  outcome: FileOutcome;
  message: string;
}

/** One file on its way through the steps: what is known of it so far, written once, with its final state. */
export class FileRun {
  readonly result: FileResult;
  matchingStatus: MatchingStatus = 'pending';
  known: BatchFileUpdate = {};
  /** The file created its patient: counted whatever the file's end (the patient stays in the registry). */
  createdPatient = false;
  /** The file it shares its content with, which its outcome took back into review (see FileProcessor). */
  takenBack: TakenBack | null = null;
  /** A copy's: the session's file holding its content, whose end it shares (see FileProcessor.copyOf). */
  holder: string | null = null;
  /** The file's size and modification time as its bytes were read: a change after that means a copy under way. */
  readAs: FileState | null = null;

  constructor(
    readonly file: FileToProcess,
    private readonly onStage: (file: FileToProcess, stage: PipelineStage, ocrPage?: OcrPageProgress) => void,
  ) {
    this.result = {
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
  }

  /** Runs one stage, reporting it and adding its time to the file's. */
  async timed<T>(stage: PipelineStage, work: () => Promise<T> | T): Promise<T> {
    this.stage(stage);
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.addTime(stage, performance.now() - started);
    }
  }

  stage(stage: PipelineStage): void {
    this.onStage(this.file, stage);
  }

  /** The scan's OCR has started on another page (stage `extract`). */
  ocrPage(progress: OcrPageProgress): void {
    this.onStage(this.file, 'extract', progress);
  }

  addTime(stage: PipelineStage, ms: number): void {
    this.result.stageMs[stage] = (this.result.stageMs[stage] ?? 0) + ms;
  }
}

/**
 * A file that could not reach a final state because the run cannot go on (a backend down, the database
 * gone): nothing of it is recorded, so it stays for the next run. Carries what the runner still counts.
 */
export class FileNotFinished extends Error {
  constructor(
    readonly reason: unknown,
    /** The file had created its patient before it stopped. */
    readonly createdPatient: boolean,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
    this.name = 'FileNotFinished';
  }
}
