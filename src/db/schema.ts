/**
 * Table types as the application sees them (camelCase; the CamelCasePlugin maps them to snake_case
 * columns). Only types that map identically on SQLite and PostgreSQL are used: text for ids (UUIDs
 * made by the application), ISO-8601 text for timestamps, integer 0/1 for flags, JSON as text.
 */
import type { Generated, Selectable, Updateable } from 'kysely';
import type {
  BatchStatus,
  MatchingStatus,
  ProcessingStatus,
  ProcessingType,
} from '../core/pipeline/statuses.js';

export {
  BATCH_STATUSES,
  MATCHING_STATUSES,
  PROCESSING_STATUSES,
  PROCESSING_TYPES,
  type BatchStatus,
  type MatchingStatus,
  type ProcessingStatus,
  type ProcessingType,
} from '../core/pipeline/statuses.js';

export type PatientSource = 'registry_import' | 'batch_ingest' | 'review';

export interface PatientsTable {
  id: string;
  expediente: string;
  apellidoPaterno: string;
  apellidoMaterno: string;
  nombres: string;
  fechaNacimiento: string | null;
  sexo: string | null;
  source: PatientSource;
  createdAt: string;
  updatedAt: string;
}

/** Exact-match keys for candidate retrieval and name-term frequencies (see core/matching/blocking-keys). */
export interface PatientBlockingKeysTable {
  /** hashBlockingKey(key) */
  keyHash: number;
  /** encodeExpediente(patient's expediente) */
  expedienteCode: number;
}

export interface NameTermCountsTable {
  term: string;
  patients: number;
}

export interface BatchUploadsTable {
  id: string;
  uploadedBy: string;
  processingType: ProcessingType;
  status: BatchStatus;
  sourceDir: string;
  totalFiles: number;
  processedFiles: number;
  failedFiles: number;
  createdPatients: number;
  matchedPatients: number;
  reviewRequired: number;
  duplicates: number;
  /** The options the session ran with (JSON), so a re-run or a review uses the same settings. */
  optionsJson: string;
  errorMessage: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** An interrupted session that a later session took over instead of resuming: never resumed. */
  supersededBy: string | null;
}

export interface BatchFilesTable {
  id: string;
  batchId: string;
  /** Path relative to the session's source directory. */
  relativePath: string;
  filename: string;
  fileSize: number | null;
  contentSha256: string | null;
  expediente: string | null;
  documentType: string | null;
  documentTypeCode: string | null;
  numero: string | null;
  matchingStatus: MatchingStatus;
  processingStatus: ProcessingStatus;
  /** The file's final outcome in one word (ingested, duplicate, invalid_name, encrypted, image_only, …). */
  outcome: string | null;
  errorMessage: string | null;
  matchConfidence: number | null;
  /** matching_details JSON, as the hospital service stores it. */
  matchingDetails: string | null;
  patientId: string | null;
  documentId: string | null;
  pages: number | null;
  chunks: number | null;
  /** Text kept while a review is pending, so resolving it does not re-extract the PDF. */
  extractedText: string | null;
  /** Set when OCR read some of its pages (see MedicalDocumentsTable). */
  ocrEngine: string | null;
  ocrPages: number | null;
  ocrConfidence: number | null;
  /** 1 when the OCR's mean word confidence was below the session's threshold: ingested, worth a look. */
  lowOcrConfidence: number;
  /** Why the file, its final state recorded, could not be archived or quarantined (null: moved, or not to move). */
  moveError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MedicalDocumentsTable {
  id: string;
  patientId: string;
  batchId: string | null;
  batchFileId: string | null;
  expediente: string;
  filename: string;
  documentType: string;
  documentTypeCode: string;
  numero: string | null;
  /** One document per distinct content: the idempotency key across runs. */
  contentSha256: string;
  processingType: ProcessingType;
  /** Full text when processing type is complete or both; null for vectorized only. */
  content: string | null;
  pages: number;
  chunksCount: number;
  /** 1 once every chunk is in the vector store. */
  vectorized: number;
  /**
   * The collection its chunks were written to; null when it has none, or when an older version wrote the row
   * (then the audit entry of its last move or detach, or its session, says where they are).
   */
  collection: string | null;
  /** `tesseract.js` or `tesseract` when OCR read some pages; null for a text layer only. */
  ocrEngine: string | null;
  /** How many pages OCR read. */
  ocrPages: number | null;
  /** Mean confidence of the words OCR read, 0-1. */
  ocrConfidence: number | null;
  createdAt: string;
  updatedAt: string;
}

/** Who acted (DECISIONS 6): a person at the machine, a reviewer, or an API token. */
export type ActorKind = 'os_user' | 'reviewer' | 'token';

export interface AuditLogTable {
  id: string;
  at: string;
  actor: string;
  action: string;
  /** Generated: old writers leave it to the default, os_user. */
  actorKind: Generated<ActorKind>;
  /** The caller's address, for HTTP. */
  client: string | null;
  sessionId: string | null;
  fileId: string | null;
  documentId: string | null;
  /** Patient ids a decision or a move took the document from and to. */
  patientBefore: string | null;
  patientAfter: string | null;
  /** The session (kept for old readers: the same value as sessionId). */
  batchId: string | null;
  entityType: string | null;
  entityId: string | null;
  /** JSON. */
  details: string | null;
}

/** Contents a reviewer rejected: a later run sets a file with these bytes aside until `review --reopen`. */
export interface RejectedContentsTable {
  contentSha256: string;
  batchFileId: string | null;
  sessionId: string | null;
  filename: string;
  rejectedBy: string;
  rejectedAt: string;
}

/** A file of a folder that reached a final state, as it was then: unchanged, it is settled without reading it. */
export interface SettledFilesTable {
  sourceDir: string;
  relativePath: string;
  size: number;
  mtimeMs: number;
  contentSha256: string;
  outcome: string;
  errorMessage: string | null;
  batchId: string | null;
  settledAt: string;
}

export interface RunLocksTable {
  lockKey: string;
  sourceDir: string;
  pid: number;
  host: string;
  sessionId: string | null;
  startedAt: string;
}

/** SQLite: the process creating a patient now (see migration 0010). */
export interface CreationLocksTable {
  name: string;
  /** This holding's own mark: a process's own earlier row, left by a failed delete, is not a holding of now. */
  token: string;
  pid: number;
  host: string;
  /** ISO 8601. */
  takenAt: string;
}

/** The HTTP API's bearer tokens: only the token's hash is kept (see migration 0005). */
export interface ApiTokensTable {
  id: string;
  /** Unique; the actor named in the audit log for the token's calls. */
  name: string;
  role: ApiRole;
  tokenSha256: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** What a token may do: viewer reads; uploader also uploads and processes; admin also decides reviews and cleans up. */
export const API_ROLES = ['viewer', 'uploader', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** A session whose files were put on the job queue: workers finish them (migration 0007). */
export interface QueueSessionsTable {
  batchId: string;
  /** The pg-boss queue its jobs went to. */
  queue: string;
  jobs: number;
  enqueuedAt: string;
}

/** A worker process, as it reports itself (heartbeat in `lastSeenAt`). */
export interface QueueWorkersTable {
  id: string;
  host: string;
  pid: number;
  version: string;
  concurrency: number;
  startedAt: string;
  lastSeenAt: string;
  stoppedAt: string | null;
}

export interface QueueWorkerSessionsTable {
  workerId: string;
  batchId: string;
  /** Files of the session this worker brought to a final state. */
  files: number;
  lastFileAt: string;
}

/** The first file of a session with a given content; later ones with those bytes are its duplicates. */
export interface BatchContentClaimsTable {
  batchId: string;
  contentSha256: string;
  fileId: string;
  relativePath: string;
}

export interface Database {
  patients: PatientsTable;
  patientBlockingKeys: PatientBlockingKeysTable;
  nameTermCounts: NameTermCountsTable;
  batchUploads: BatchUploadsTable;
  batchFiles: BatchFilesTable;
  medicalDocuments: MedicalDocumentsTable;
  auditLog: AuditLogTable;
  runLocks: RunLocksTable;
  creationLocks: CreationLocksTable;
  rejectedContents: RejectedContentsTable;
  apiTokens: ApiTokensTable;
  settledFiles: SettledFilesTable;
  queueSessions: QueueSessionsTable;
  queueWorkers: QueueWorkersTable;
  queueWorkerSessions: QueueWorkerSessionsTable;
  batchContentClaims: BatchContentClaimsTable;
}

export type Patient = Selectable<PatientsTable>;
export type BatchUpload = Selectable<BatchUploadsTable>;
export type BatchFile = Selectable<BatchFilesTable>;
export type BatchFileUpdate = Updateable<BatchFilesTable>;
export type MedicalDocument = Selectable<MedicalDocumentsTable>;
export type AuditLogEntry = Selectable<AuditLogTable>;
export type RejectedContent = Selectable<RejectedContentsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type SettledFile = Selectable<SettledFilesTable>;
export type QueueWorker = Selectable<QueueWorkersTable>;
export type { Generated };
