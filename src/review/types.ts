import type { ContentCheckDetails, ContentEvidence, ContentVerdict } from '../core/content/types.js';
import type { ParsedFilename } from '../core/filename/types.js';
import type { IdentityField } from '../core/registry/is-rename.js';
import type {
  CandidateScores,
  FieldMatchKind,
  MatchDecision,
  MatchThresholds,
  NameComparison,
  NameFields,
  ScoredCandidate,
} from '../core/matching/types.js';
import type { BatchFile, Patient } from '../db/schema.js';
import type { StorageProblem } from '../db/storage-errors.js';

/**
 * Why a file waits for review: the matcher's reason when it was held, `detached` when a person took its
 * document off a patient afterwards (`documents detach`), or `taken_back` when a run (an ingest, a worker)
 * did, because a copy of its content names another patient.
 */
export type HeldReason = MatchDecision['reason'] | 'detached' | 'taken_back';

/** How a stated value compares with another: the marks the review shows beside each value. */
export type Agreement = 'agrees' | 'differs' | 'uncertain' | 'unknown';

/** Why attaching to a candidate needs a second key (`y`): each is a way to attach to the wrong person. */
export type AttachRisk =
  /** The candidate holds the filename's expediente, but the filename names clearly another person. */
  | 'id_conflict'
  /** Its confidence is below the review threshold (a match the matcher would not even have offered). */
  | 'below_review_threshold'
  /** The document states a birth date, the registry another. */
  | 'birth_date_contradicts'
  /** The document states a sex, the registry another. */
  | 'sex_contradicts'
  /** The document states another expediente than this patient's. */
  | 'expediente_contradicts'
  /** The document names clearly another person than this patient. */
  | 'name_contradicts'
  /**
   * The document names a second patient further in the file (another expediente or name): attaching the
   * whole file would file that patient's pages under this one; rejecting it lets records split the file.
   */
  | 'second_patient_in_file'
  /** `n`: the document's own text names this registry patient, whom a new patient would duplicate. */
  | 'document_names_registry_patient'
  /** `n`: this registry patient has the filename's name and the birth date and sex the document states. */
  | 'same_identity_registered';

/** One name field of the filename beside the same field of a candidate. */
export interface NameFieldEvidence {
  kind: FieldMatchKind;
  /** As the filename writes it (folded), '' when absent. */
  filename: string;
  /** As the registry writes it (folded), '' when absent. */
  candidate: string;
}

/** What the documents already on a patient are. */
export interface AttachedDocuments {
  count: number;
  /** Type codes of the latest ones, newest first. */
  latestTypes: string[];
}

/**
 * One candidate as the review shows it: the registry's identity, what it already holds, how its name and
 * expediente compare with the filename's (structured: the screen words it in the reviewer's language), how
 * it compares with what the document states, and what makes attaching to it risky.
 */
export interface CandidateEvidence {
  /** The key that attaches to it (1-based). */
  rank: number;
  patientId: string;
  expediente: string;
  /** `APELLIDOS, NOMBRES`. */
  name: string;
  birthDate: string | null;
  sex: string | null;
  confidence: number;
  scores: CandidateScores;
  documents: AttachedDocuments;
  /** Holds the filename's expediente. */
  holdsExpediente: boolean;
  /** The filename's expediente against the candidate's: equal, one keystroke away, or different. */
  expedienteRelation: 'same' | 'near' | 'different';
  nameExact: boolean;
  alignment: NameComparison['alignment'];
  nameFields: { paterno: NameFieldEvidence; materno: NameFieldEvidence; nombres: NameFieldEvidence };
  /** Against the identity the document states. */
  agreement: { expediente: Agreement; name: Agreement; birthDate: Agreement; sex: Agreement };
  risks: AttachRisk[];
  /**
   * Under another expediente, the filename's very name and the birth date and sex the document states: most
   * likely this same person registered already, whom a new patient would duplicate.
   */
  sameIdentity: boolean;
}

/** The identity a document states about its patient, for the reviewer to compare with the candidates. */
export interface DocumentIdentity {
  /** `cross_check`: recorded by the ingest's content check; `text`: read now from the kept text. */
  source: 'cross_check' | 'text';
  expediente: string | null;
  /** `APELLIDOS, NOMBRES` as read into fields, or as written when it could not be. */
  name: string | null;
  nameFields: NameFields | null;
  birthDate: string | null;
  /**
   * The other reading of a numeric birth date under an English label that reads both ways round (DOB:
   * 05/03/1985); null when it reads one way only. A candidate's date agrees with either, differs from both.
   */
  birthDateAlternative: string | null;
  sex: 'F' | 'M' | null;
  /** Where each value was read (page and the line), already sanitised. */
  evidence: ContentEvidence[];
  /** Another patient's expedientes or names further in the file. */
  otherExpedientes: string[];
  otherNames: string[];
  /** The cross-check's verdict and plain-words reasons, when the ingest ran it. */
  verdict: ContentVerdict | null;
  /** What the verdict compared the document with: the patient the filename was matched to, or the filename itself. */
  verdictAgainst: 'match' | 'filename';
  reasons: string[];
  /** Against the filename. */
  agreement: { expediente: Agreement; name: Agreement };
}

/** One review-required file with fresh evidence: re-parsed name, re-run matching, what the text says. */
export interface ReviewCase {
  fileId: string;
  batchId: string;
  relativePath: string;
  filename: string;
  /** When the file was registered (its session's run). */
  registeredAt: string;
  /** Null when the stored filename no longer parses (only reject or skip make sense then). */
  parsed: ParsedFilename | null;
  parseError: string | null;
  /** Matching re-run against the registry as it is now. */
  decision: MatchDecision | null;
  /** Best first; key N attaches to candidates[N - 1]. */
  candidates: ScoredCandidate[];
  /** Index-aligned with `candidates`. */
  evidence: CandidateEvidence[];
  /** The patient who holds the filename's expediente, if any: a new patient with it is impossible. */
  expedienteOwner: Patient | null;
  /**
   * The expediente belongs to clearly another person (DECISIONS 5's predicate) than the filename names:
   * the banner. Never for a typo, even on a file held as `id_conflict` by an older version.
   */
  idConflict: boolean;
  /** The registry patient whose expediente the document's own text states (the ingest's content check). */
  documentPatientId?: string | null;
  /** Why the file was held (from matching_details, or `detached`). */
  heldReason: HeldReason | null;
  heldConfidence: number | null;
  /** Set when the file is back in review after `documents detach`, or taken back over a copy. */
  detached: TakenBack | null;
  /** Another sitting (a terminal or the HTTP API) was deciding it when it was loaded: who. */
  decidingElsewhere?: { by: string } | null;
  /**
   * Settled since the sitting listed it (another sitting, the HTTP API, a re-run): its matching status now, and
   * who settled it when the audit log says. A decision on it is refused; the screen says so before any key.
   */
  settledElsewhere?: { status: string; by: string | null } | null;
  pages: number | null;
  /** Every non-empty line of the kept text, sanitised for the terminal (the screen scrolls through them). */
  text: string[];
  /** The text is missing: the file cannot be attached without extracting it again. */
  textMissing: boolean;
  /** What the document states about its patient; null when it states nothing. */
  document: DocumentIdentity | null;
  /**
   * The content check as recorded, its verdict against the registry as it is now (verdict, identity, reasons);
   * null when the ingest read no identity. What `review --json` and the HTTP API give a client as `content`.
   */
  content?: ContentCheckDetails | null;
  thresholds: MatchThresholds;
}

/** How a file came back to review after its document had been attached. */
export interface TakenBack {
  kind: 'detached' | 'taken_back';
  /** Who took it back (a reviewer, or the OS user of the run). */
  by: string;
  at: string;
  /** The patient it was taken off. */
  fromExpediente: string;
  /** Why, as recorded (English; the screen translates it). */
  reason: string | null;
  /** The copy that names another patient (taken_back). */
  copy: { expediente: string; relativePath: string } | null;
}

/** A pending file as the list of cases shows it. */
export interface PendingEntry {
  fileId: string;
  sessionId: string;
  relativePath: string;
  /**
   * What the filename names, for the pending list's columns: null when it no longer parses (the expediente
   * then as the file was registered, when it was).
   */
  expediente: string | null;
  name: string | null;
  typeCode: string | null;
  /** When it was registered. */
  registeredAt: string;
  reason: HeldReason | null;
  confidence: number | null;
}

/** A patient's identity as the screen shows it (the name written the hospital's way). */
export interface PatientIdentityText {
  expediente: string;
  name: string;
  birth_date: string | null;
  sex: string | null;
}

export type ReviewChoice =
  { kind: 'attach'; candidate: number } | { kind: 'new_patient' } | { kind: 'reject' } | { kind: 'skip' };

/**
 * What a decision did or why it was refused, structured so that the screen words it in the reviewer's
 * language (`message` carries the same in English, for logs and scripts).
 */
export type ReviewNotice =
  | { code: 'attached' | 'created'; expediente: string; name: string; chunks: number }
  | { code: 'rejected' }
  | { code: 'skipped' }
  | { code: 'undone'; choice: 'attach' | 'new_patient' | 'reject' }
  | { code: 'nothing_to_undo' }
  | { code: 'no_candidate'; candidate: number }
  | { code: 'patient_gone' }
  /** The registry changed the candidate since the case was loaded (`changed`: which of what was shown). */
  | {
      code: 'patient_changed';
      candidate: number;
      changed: IdentityField[];
      was: PatientIdentityText;
      now: PatientIdentityText;
    }
  /** `written`: the filename's number, when it is the owner's `expediente` with other leading zeros. */
  | { code: 'expediente_taken'; expediente: string; name: string; written?: string }
  | { code: 'text_missing' }
  | { code: 'already_ingested'; filename: string; expediente: string }
  /** `by`: who settled it, when the audit log says. */
  | { code: 'settled_meanwhile'; status: string; by?: string | null }
  /** Another sitting (a terminal or the HTTP API) is deciding it now. */
  | { code: 'being_decided'; by: string }
  | { code: 'file_gone' }
  | { code: 'unparsable' }
  | { code: 'session_gone' }
  /** A confirmation answered with another key than `y`: nothing of `action` was done. */
  | { code: 'confirm_cancelled'; action: 'attach' | 'new_patient' }
  /** A key named a candidate whose identity was not on screen yet (a small terminal): nothing attached. */
  | { code: 'candidate_not_shown'; candidate: number }
  /** A confirmation's `y` before its candidate and every reason had been on screen: nothing of `action` was done. */
  | { code: 'confirm_unread'; action: 'attach' | 'new_patient' }
  /**
   * The database would not take the write (another program keeps it locked, a full or failing disk) or a
   * backend is down (`unavailable`, in its own words): nothing of the decision (or of the undo) was stored,
   * and the same key does it once the cause is gone.
   */
  | { code: 'not_recorded'; what: 'decision' | 'undo'; cause: NotRecordedCause }
  | { code: 'failed'; error: string };

/** Why a decision was not recorded (see the `not_recorded` notice). */
export type NotRecordedCause = StorageProblem | { kind: 'unavailable'; message: string };

/** A decision either took effect or was refused with a reason; refusals change nothing. */
export type DecisionResult =
  | { ok: true; choice: ReviewChoice['kind']; fileId: string; message: string; notice: ReviewNotice }
  | { ok: false; fileId: string; message: string; notice: ReviewNotice };

export type UndoResult =
  | {
      ok: true;
      fileId: string;
      choice: 'attach' | 'new_patient' | 'reject';
      message: string;
      notice: ReviewNotice;
    }
  | { ok: false; message: string; notice: ReviewNotice };

/** The batch file's fields a decision changes, as they were before it (restored exactly by undo). */
export type FileSnapshot = Pick<
  BatchFile,
  | 'matchingStatus'
  | 'processingStatus'
  | 'outcome'
  | 'errorMessage'
  | 'patientId'
  | 'documentId'
  | 'chunks'
  | 'pages'
  | 'extractedText'
  | 'matchConfidence'
  | 'matchingDetails'
  | 'updatedAt'
>;

export interface CountsDelta {
  reviewRequired: number;
  matchedPatients: number;
  createdPatients: number;
}
