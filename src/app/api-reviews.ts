import type { BackendConfig } from '../config/load-config.js';
import type { OpenDatabase } from '../db/open-database.js';
import { ReviewService } from '../review/review-service.js';
import type { ReviewCase, ReviewChoice } from '../review/types.js';
import { AuditRepository } from '../db/repositories/audit-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
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
  | {
      ok: true;
      choice: ApiReviewAction;
      message: string;
      fileId: string;
      /** The file was already decided this very way (a client's retry): nothing was done, nothing recorded. */
      repeated?: boolean;
    }
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
      const recorded = await recordedDecision(database, inSession);
      if (recorded) return answerToRecorded(recorded, options, session);
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
    if (!result.ok && result.notice.code === 'settled_meanwhile') {
      // A client's retry racing its own first call: the first settled it, and this one says how.
      const now = (await listSessionFiles(database, options.sessionId)).find((f) => f.id === options.fileId);
      const recorded = now ? await recordedDecision(database, now) : null;
      if (recorded) return answerToRecorded(recorded, options, `${API_SESSIONS_PATH}/${options.sessionId}`);
    }
    if (!result.ok) {
      // Someone else's decision won the race, not a rule of this one: the client should look again, not fix its request.
      // The registry changing the candidate between the client's GET and this call is such a race too.
      const conflict =
        result.notice.code === 'being_decided' ||
        result.notice.code === 'settled_meanwhile' ||
        result.notice.code === 'patient_changed';
      return { ok: false, reason: conflict ? 'conflict' : 'refused', message: result.message };
    }
    return { ok: true, choice: options.action, message: result.message, fileId: result.fileId };
  } finally {
    await service.close();
  }
}

/** The review decision a file was settled with, as its row stands now: what, for which expediente, by whom. */
interface RecordedDecision {
  action: ApiReviewAction;
  /** The patient's expediente, for attach and new_patient. */
  expediente: string | null;
  by: string | null;
}

const DECISION_ACTIONS: Record<string, ApiReviewAction> = {
  review_attached: 'attach',
  review_new_patient: 'new_patient',
  review_rejected: 'reject',
};

/**
 * What changes a decision after it was made: a document moved or detached, a decision undone in the terminal, a
 * rejection reopened or lifted. After one of them, the decision no longer stands as it was made.
 */
const SUPERSEDING_ACTIONS: readonly string[] = [
  'document_moved',
  'document_detached',
  'review_undone',
  'review_reopened',
  'rejection_lifted',
];

/** What the row of a file settled that way says. */
const SETTLED_AS: Record<ApiReviewAction, BatchFile['matchingStatus']> = {
  attach: 'matched',
  new_patient: 'new_patient',
  reject: 'rejected',
};

/**
 * How a review settled the file, when the file still stands as that decision left it: the latest of its review
 * decisions and of what supersedes one (SUPERSEDING_ACTIONS) is a decision, and the row agrees with it. Null for a file never decided in review (attached by the run, say), or changed since.
 */
async function recordedDecision(database: OpenDatabase, file: BatchFile): Promise<RecordedDecision | null> {
  const entries = await new AuditRepository(database.db).list({ fileId: file.id, limit: 100 });
  const latest = entries.find(
    (entry) => Object.hasOwn(DECISION_ACTIONS, entry.action) || SUPERSEDING_ACTIONS.includes(entry.action),
  );
  const action =
    latest && Object.hasOwn(DECISION_ACTIONS, latest.action) ? DECISION_ACTIONS[latest.action]! : null;
  if (!action || file.matchingStatus !== SETTLED_AS[action]) return null;
  if (action === 'reject') return { action, expediente: null, by: latest!.actor || null };
  const patient = file.patientId
    ? await new PatientRepository(database.db).findById(file.patientId)
    : undefined;
  if (!patient) return null;
  return { action, expediente: patient.expediente, by: latest!.actor || null };
}

/**
 * The answer to a decision on a file already decided: the same decision again (a client's network retry) is
 * answered as done, with nothing done twice; a different one is refused, saying what stands and who can change it.
 */
function answerToRecorded(
  recorded: RecordedDecision,
  request: { fileId: string; action: ApiReviewAction; expediente?: string },
  session: string,
): ApiDecisionResult {
  const same =
    recorded.action === request.action &&
    (request.action === 'reject' ||
      request.expediente === recorded.expediente ||
      (request.action === 'new_patient' && request.expediente === undefined));
  const by = recorded.by ? ` by ${recorded.by}` : '';
  const what = describeDecision(recorded);
  if (same) {
    return {
      ok: true,
      choice: recorded.action,
      fileId: request.fileId,
      message: `already decided the same way${by} (${what}): nothing changed`,
      repeated: true,
    };
  }
  return {
    ok: false,
    reason: 'not_pending',
    message:
      `the file was already decided in review${by} (${what}): this different decision was not applied, nothing ` +
      `changed; its status shows it (GET ${session}/status). The records team can change it from the terminal: ` +
      (recorded.action === 'reject'
        ? `\`tecsalud-batch review --reopen ${request.fileId.slice(0, 8)}\` puts it back in review`
        : '`tecsalud-batch documents move ID --to EXPEDIENTE` or `documents detach ID`, with the document id ' +
          'its status shows'),
  };
}

function describeDecision(recorded: RecordedDecision): string {
  switch (recorded.action) {
    case 'attach':
      return `attached to expediente ${recorded.expediente}`;
    case 'new_patient':
      return `new patient, expediente ${recorded.expediente}`;
    case 'reject':
      return 'rejected';
  }
}
