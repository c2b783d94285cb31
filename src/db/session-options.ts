import { z } from 'zod';
import type { AuditActor } from './repositories/audit-repository.js';
import type { ActorKind, BatchUpload } from './schema.js';

/**
 * The settings a session ran with, as `batch_uploads.options_json` keeps them (snake_case, like the
 * service's columns): written once by the run, read back by a review (to store documents the same way) and
 * by cleanup (to find the vectors). One schema for the writer and every reader.
 */
export const sessionOptionsSchema = z.object({
  glob: z.string().nullable(),
  concurrency: z.number().int().positive(),
  max_file_size: z.number().int().positive(),
  max_files: z.number().int().positive(),
  chunk_size: z.number().int().positive(),
  chunk_overlap: z.number().int().nonnegative(),
  /** Chunks per embedder call: a review that stores one of the session's files embeds it the same way. */
  embed_batch_size: z.number().int().positive(),
  force: z.boolean(),
  thresholds: z.object({ auto: z.number().min(0).max(1), review: z.number().min(0).max(1) }),
  collection: z.string().min(1),
  embedder: z.string().nullable(),
  extractor: z.string(),
  /** How pages without a text layer were OCR'd; null when the run did not say (an extractor passed in). */
  ocr: z
    .object({ mode: z.string(), engine: z.string(), min_confidence: z.number().min(0).max(1) })
    .nullable(),
  store_batch_size: z.number().int().positive(),
  /** Drop-folder hygiene, for the workers that finish a queued session's files (absent: kept in place). */
  archive_dir: z.string().nullable().optional(),
  quarantine_dir: z.string().nullable().optional(),
  /** `--trust-content`: review cases the document's own identity settles were attached (issue 15); absent in older sessions. */
  trust_content: z.boolean().optional(),
  /**
   * `--still-writing-seconds` of a folder's run: the workers that finish its queued files leave one still being
   * copied in as the run would. Absent (an upload session, or an older one): the files are taken as whole.
   */
  still_writing_seconds: z.number().nonnegative().optional(),
  /** `api` for an upload session: its files' messages advise an API client, not a command line. */
  client: z.enum(['cli', 'api']).optional(),
  /**
   * An upload session: the name of the API token that created it. Its processing's audit entries name that
   * token (actor_kind token), not the free-text `uploaded_by` a client sends (kept on the session and in the
   * api_session_created entry).
   */
  api_token: z.string().min(1).optional(),
});

export type SessionOptions = z.infer<typeof sessionOptionsSchema>;

/** The column's text for a new session: checked against the schema, so a reader can rely on it. */
export function writeSessionOptions(options: SessionOptions): string {
  return JSON.stringify(sessionOptionsSchema.parse(options));
}

/**
 * What a stored session says, field by field: a field that is missing or malformed (an older version, a
 * hand-edited row) is left out, and the reader falls back to its default for that field alone.
 */
export function readSessionOptions(json: string): Partial<SessionOptions> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object') return {};
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(sessionOptionsSchema.shape)) {
    const parsed = field.safeParse(record[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as Partial<SessionOptions>;
}

/** Whom a session's processing names in the audit log (see `api_token`). */
export function sessionAuditActor(session: Pick<BatchUpload, 'uploadedBy' | 'optionsJson'>): AuditActor {
  const token = readSessionOptions(session.optionsJson).api_token;
  return token ? { actor: token, actorKind: 'token' } : { actor: session.uploadedBy, actorKind: 'os_user' };
}

/** The run options' `uploadedBy` and `actorKind` for a session's processing (see IngestOptions.actorKind). */
export function auditActorAsUploader(session: Pick<BatchUpload, 'uploadedBy' | 'optionsJson'>): {
  uploadedBy: string;
  actorKind: ActorKind;
} {
  const { actor, actorKind } = sessionAuditActor(session);
  return { uploadedBy: actor, actorKind };
}
