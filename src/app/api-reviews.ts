import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import { ReviewService } from '../review/review-service.js';
import type { ReviewCase, ReviewChoice } from '../review/types.js';
import type { BatchFile } from '../db/schema.js';
import { openSearchAdapters } from './open-backends.js';
import { listSessionFiles } from './upload-sessions.js';
import { API_SESSIONS_PATH } from '../core/pipeline/client-advice.js';

// The review listing names the patient a new patient would most likely duplicate, as the terminal review does.
export { duplicatedByNewPatient } from '../review/new-patient-risk.js';

export type ApiReviewAction = 'attach' | 'new_patient' | 'reject';

/** A file waiting for review with its evidence, matched again against the registry as it is now. */
export interface ApiReviewCase {
  file: BatchFile;
  /** Null when the evidence could not be built (the file is named in the reason). */
  evidence: ReviewCase | null;
  problem: string | null;
}

/**
 * The session's files waiting for review, each with the candidates the terminal review would offer now:
 * the same list `attach` accepts an expediente from.
 */
export async function listReviewCases(database: OpenDatabase, sessionId: string): Promise<ApiReviewCase[]> {
  const service = new ReviewService({ database, reviewer: '' });
  const cases: ApiReviewCase[] = [];
  for (const file of await service.listPending(sessionId)) {
    try {
      cases.push({ file, evidence: await service.loadCase(file.id), problem: null });
    } catch (error) {
      cases.push({ file, evidence: null, problem: (error as Error).message });
    }
  }
  return cases;
}

export type ApiDecisionResult =
  | { ok: true; choice: ApiReviewAction; message: string; fileId: string }
  | {
      ok: false;
      /**
       * not_found: no such file in the session; not_pending: settled already; conflict: another review sitting
       * is deciding it or settled it meanwhile; refused: the rules said no.
       */
      reason: 'not_found' | 'not_pending' | 'conflict' | 'invalid' | 'refused';
      message: string;
    };

/**
 * One review decision from the HTTP API, by the same service and rules as the terminal review (a new
 * patient is refused on an expediente that belongs to someone; the kept text is stored, the PDF not read
 * again; the decision is audited with the reviewer). Files are named by id; `attach` names the patient by an
 * expediente among the file's candidates, as the terminal review offers them. There is no undo over HTTP:
 * the sitting ends with the decision.
 */
export async function decideReview(options: {
  database: OpenDatabase;
  backends: BackendConfig;
  reviewer: string;
  sessionId: string;
  fileId: string;
  action: ApiReviewAction;
  expediente?: string;
}): Promise<ApiDecisionResult> {
  const { database, backends } = options;
  const service = new ReviewService({
    database,
    reviewer: options.reviewer,
    client: 'api',
    openVectors: (collection) => openSearchAdapters({ database, backends, collection }),
  });
  try {
    const pending = await service.listPending(options.sessionId);
    if (!pending.some((file) => file.id === options.fileId)) {
      const inSession = (await listSessionFiles(database, options.sessionId)).find(
        (f) => f.id === options.fileId,
      );
      const session = `${API_SESSIONS_PATH}/${options.sessionId}`;
      // Each says what to do instead: a client holding a file_id of the wrong session, or one not yet processed.
      if (!inSession) {
        return {
          ok: false,
          reason: 'not_found',
          message:
            `the session has no file ${options.fileId}: use a file_id its review lists ` +
            `(GET ${session}/review) or its status shows (GET ${session}/status)`,
        };
      }
      const state = inSession.outcome ?? inSession.processingStatus;
      return {
        ok: false,
        reason: 'not_pending',
        message:
          state === 'pending'
            ? `the file is not waiting for review: it has not been processed yet; process the session ` +
              `(POST ${session}/process), then decide the files its review lists (GET ${session}/review)`
            : `the file is not waiting for review (it is ${state}): only the files the session's review lists ` +
              `take a decision (GET ${session}/review)`,
      };
    }
    const reviewCase = await service.loadCase(options.fileId);
    let choice: ReviewChoice;
    if (options.action === 'attach') {
      if (!options.expediente) {
        return {
          ok: false,
          reason: 'invalid',
          message: 'attach needs the expediente of the patient to attach the file to',
        };
      }
      const index = reviewCase.candidates.findIndex((c) => c.patient.expediente === options.expediente);
      if (index < 0) {
        return {
          ok: false,
          reason: 'refused',
          message:
            `expediente ${options.expediente} is not among this file's candidates ` +
            `(${reviewCase.candidates.map((c) => c.patient.expediente).join(', ') || 'none'}); ` +
            'attach to one of them, create a new patient, or reject the file',
        };
      }
      choice = { kind: 'attach', candidate: index + 1 };
    } else if (options.action === 'new_patient') {
      if (options.expediente && reviewCase.parsed && options.expediente !== reviewCase.parsed.expediente) {
        return {
          ok: false,
          reason: 'refused',
          message: `a new patient takes the filename's expediente ${reviewCase.parsed.expediente}, not ${options.expediente}`,
        };
      }
      choice = { kind: 'new_patient' };
    } else {
      choice = { kind: 'reject' };
    }
    const result = await service.decide(reviewCase, choice);
    if (!result.ok) {
      // Someone else's decision won the race, not a rule of this one: the client should look again, not fix its request.
      const conflict = result.notice.code === 'being_decided' || result.notice.code === 'settled_meanwhile';
      return { ok: false, reason: conflict ? 'conflict' : 'refused', message: result.message };
    }
    return { ok: true, choice: options.action, message: result.message, fileId: result.fileId };
  } finally {
    await service.close();
  }
}
