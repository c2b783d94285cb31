/**
 * The API's JSON schemas: Fastify validates requests with them and serialises responses through them, and
 * @fastify/swagger writes the OpenAPI document from them. Field names are the hospital service's.
 */
import { MATCHING_STATUSES } from '../core/pipeline/statuses.js';

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });

export const sessionParams = {
  type: 'object',
  required: ['session_id'],
  properties: {
    session_id: { type: 'string', format: 'uuid', description: 'as `create-session` returned it' },
  },
} as const;

export const fileParams = {
  type: 'object',
  required: ['session_id', 'file_id'],
  properties: {
    session_id: sessionParams.properties.session_id,
    // A UUID, as session_id: a file id mistyped or cut short is the client's to fix (400), not "no such file" (404).
    file_id: { type: 'string', format: 'uuid', description: 'a `file_id` from the status or review answer' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  description: 'every error: its status, the status text and what went wrong',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
  additionalProperties: true,
} as const;

/** 429, as the OpenAPI document describes it (Fastify never serialises one through it: the limiter answers). */
export const rateLimitedSchema = {
  ...errorSchema,
  description:
    'too many calls in a minute from this token (or, without a valid token, from this address): wait the ' +
    '`Retry-After` seconds; `X-RateLimit-Limit`, `-Remaining` and `-Reset` say where the client stands',
} as const;

const errors = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, errorSchema]));

export const createSessionBody = {
  type: 'object',
  required: ['processing_type', 'uploaded_by'],
  additionalProperties: false,
  properties: {
    processing_type: { type: 'string', enum: ['vectorized', 'complete', 'both'] },
    uploaded_by: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: 'the name of who uploads',
      description: 'who uploads, for the session and the audit log',
    },
  },
} as const;

const expiresAt = nullable('string', {
  description:
    'when the server discards the session with its uploads if nobody uploads into it nor processes it first ' +
    '(an upload moves it later; null once processed, or when the server keeps sessions until processed)',
});

export const createSessionResponse = {
  type: 'object',
  properties: { session_id: { type: 'string' }, message: { type: 'string' }, expires_at: expiresAt },
} as const;

const uploadedFile = {
  type: 'object',
  properties: {
    file_id: { type: 'string' },
    filename: { type: 'string' },
    size: { type: 'integer' },
    parsed: {
      type: 'boolean',
      description: 'the filename follows EXPEDIENTE_APELLIDOS, NOMBRES_NUMERO_TIPO.pdf',
    },
    patient_id: nullable('string', { description: 'the expediente read from the filename' }),
    patient_name: nullable('string'),
    parse_error: nullable('string'),
  },
} as const;

const failedFile = {
  type: 'object',
  properties: {
    filename: { type: 'string' },
    status_code: {
      type: 'integer',
      description:
        '413 too large or over the session limit, 415 not .pdf, 400 not a PDF, no filename, a filename not in UTF-8 or over 200 characters, a Content-Disposition whose filename and filename* name different files (or a text part, not a file), 409 name taken',
    },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const uploadResponse = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    session_id: { type: 'string' },
    total_files: { type: 'integer', description: 'files in this request' },
    session_files: { type: 'integer', description: 'files in the session after this request' },
    expires_at: expiresAt,
    parsing_success_rate: {
      type: 'number',
      description: 'share of this request’s accepted files whose name parsed, 0–1',
    },
    uploaded_files: { type: 'array', items: uploadedFile },
    failed_files: { type: 'array', items: failedFile },
  },
} as const;

/** For the OpenAPI document only: the upload's body is streamed to disk, never validated in memory. */
export const uploadBodyForDocs = {
  type: 'object',
  required: ['files'],
  properties: {
    files: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'one or more PDFs' },
  },
} as const;

const statusEnum = { type: 'string', enum: ['pending', 'processing', 'completed', 'failed'] } as const;
const detailedStatus = {
  type: 'string',
  description: 'the exact status: pending, processing, completed, partially_failed, failed or interrupted',
} as const;

export const processQuery = {
  type: 'object',
  // A misspelt `wait` (`?wiat=false`) was ignored: the call then waited for the whole session instead of answering 202.
  additionalProperties: false,
  properties: {
    wait: {
      type: 'boolean',
      default: true,
      description:
        'false: answer 202 at once; follow the status or the events. A session already processed (nothing left ' +
        'to do) is answered 200 with its summary either way: nothing starts',
    },
  },
} as const;

export const processResponse = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    session_id: { type: 'string' },
    total_files: { type: 'integer' },
    processed_files: { type: 'integer' },
    failed_files: { type: 'integer' },
    created_patients: { type: 'integer' },
    matched_patients: { type: 'integer' },
    review_required: { type: 'integer', description: 'files the session holds for review (its own)' },
    already_waiting: {
      type: 'integer',
      description:
        'files whose content already waited for review in another file: that review, not a new one',
    },
    duplicates: { type: 'integer' },
    processing_time: nullable('number', { description: 'seconds' }),
    status: statusEnum,
    detailed_status: detailedStatus,
  },
} as const;

const statusFile = {
  type: 'object',
  properties: {
    file_id: { type: 'string' },
    filename: { type: 'string' },
    patient_matching_status: {
      type: 'string',
      enum: MATCHING_STATUSES,
      description:
        'pending (not matched yet, or never: a file that failed before matching), matched, new_patient, ' +
        'review_required or rejected; the events’ file_finished says the same',
    },
    processing_status: { type: 'string', description: 'pending, processing, completed or failed' },
    matching_confidence: nullable('number'),
    review_required: { type: 'boolean' },
    error_message: nullable('string'),
    processed_at: nullable('string'),
    outcome: nullable('string', {
      description: 'the file’s outcome in one word (ingested, duplicate, encrypted, …)',
    }),
    size: nullable('integer'),
    document_id: nullable('string'),
  },
} as const;

export const statusResponse = {
  type: 'object',
  properties: {
    session_id: { type: 'string' },
    status: statusEnum,
    detailed_status: detailedStatus,
    uploaded_by: { type: 'string' },
    processing_type: { type: 'string' },
    total_files: { type: 'integer' },
    processed_files: { type: 'integer' },
    failed_files: { type: 'integer' },
    created_patients: { type: 'integer' },
    matched_patients: { type: 'integer' },
    review_required: { type: 'integer', description: 'files the session holds for review (its own)' },
    already_waiting: {
      type: 'integer',
      description:
        'files whose content already waited for review in another file: that review, not a new one',
    },
    duplicates: { type: 'integer' },
    error_message: nullable('string'),
    created_at: { type: 'string' },
    started_at: nullable('string'),
    completed_at: nullable('string'),
    expires_at: expiresAt,
    files: { type: 'array', items: statusFile },
  },
} as const;

export const reviewResponse = {
  type: 'object',
  properties: {
    session_id: { type: 'string' },
    review_required_count: { type: 'integer' },
    files_requiring_review: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          file_id: { type: 'string' },
          filename: { type: 'string' },
          parsed_patient_name: nullable('string'),
          parsed_patient_id: nullable('string'),
          matching_confidence: nullable('number'),
          matching_details: {
            type: 'string',
            description:
              'JSON: algorithm, reason, candidates [{patient_id, expediente, nombre_completo, confidence, reasons, ' +
              'risks}], new_patient_risk ({risk, patient_id, expediente, nombre_completo} or null): what the terminal ' +
              'review asks a second look for before attaching to a candidate or creating a new patient',
          },
          error_message: nullable('string'),
          patient_matching_status: { type: 'string' },
        },
      },
    },
  },
} as const;

export const decisionBody = {
  type: 'object',
  required: ['action'],
  additionalProperties: false,
  properties: {
    action: { type: 'string', enum: ['attach', 'new_patient', 'reject'] },
    expediente: {
      type: 'string',
      pattern: '^[0-9]{8,12}$',
      title: 'its 8 to 12 digits',
      description:
        'attach: the candidate’s expediente (required); new_patient: must be the filename’s, if given',
    },
  },
} as const;

export const decisionResponse = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    session_id: { type: 'string' },
    file_id: { type: 'string' },
    action: { type: 'string' },
    patient_matching_status: { type: 'string' },
    processing_status: { type: 'string' },
    document_id: nullable('string'),
  },
} as const;

export const processingTypesResponse = {
  type: 'object',
  properties: {
    processing_types: {
      type: 'array',
      items: {
        type: 'object',
        properties: { value: { type: 'string' }, label: { type: 'string' }, description: { type: 'string' } },
      },
    },
  },
} as const;

export const cleanupResponse = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    removed_file_records: { type: 'integer' },
    kept_pending_reviews: { type: 'integer' },
  },
} as const;

export const discardResponse = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    session_id: { type: 'string' },
    discarded_files: {
      type: 'integer',
      description: 'uploaded files removed with the session, never processed',
    },
  },
} as const;

export const healthResponse = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['healthy', 'unhealthy'] },
    batch_service: { type: 'string', enum: ['healthy', 'unhealthy'] },
    database: { type: 'string', enum: ['healthy', 'unhealthy'] },
    chroma: { type: 'string', enum: ['healthy', 'unhealthy', 'not_used'] },
    timestamp: { type: 'string' },
  },
} as const;

/**
 * `/health`'s 503: unhealthy (the fields say which backend), or the server stopping, answered as every call is then
 * (the error's fields, with Retry-After). Through healthResponse alone, the stopping answer was serialised as `{}`.
 */
export const unavailableHealthResponse = {
  type: 'object',
  description:
    'a backend is unhealthy (the health fields say which), or the server is stopping (an error: `statusCode`, ' +
    '`error`, `message`, and `Retry-After`)',
  properties: { ...healthResponse.properties, ...errorSchema.properties },
} as const;

export { errors };
