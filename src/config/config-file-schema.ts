import { z } from 'zod';
import { OCR_ENGINES, OCR_MODES } from '../core/pipeline/ocr-options.js';
import { FILE_MODE_POLICIES } from '../private-files.js';
import { isInNumberRange, rangeMessage, type NumberRange } from './number-setting.js';

export const VECTOR_STORES = ['embedded', 'chroma'] as const;
export const EMBEDDERS = ['hashing', 'openai', 'azure'] as const;
/** How a Chroma token travels, as Chroma's own CHROMA_AUTH_TOKEN_TRANSPORT_HEADER names the choice. */
export const CHROMA_AUTH_HEADERS = ['Authorization', 'X-Chroma-Token'] as const;
export type ChromaAuthHeader = (typeof CHROMA_AUTH_HEADERS)[number];
export type VectorStoreKind = (typeof VECTOR_STORES)[number];
export type EmbedderKind = (typeof EMBEDDERS)[number];

const text = (field: string) =>
  z
    .string({ error: () => `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`);
/** A JSON number checked against its range, refused in the words a flag's value is (readNumberSetting). */
const inRange = (field: string, range: NumberRange) =>
  z.number({ error: () => `${field} must be a number` }).refine((n) => isInNumberRange(n, range), {
    error: (issue) => rangeMessage(field, range, String(issue.input)),
  });
const whole = (field: string, min: number, max?: number) => inRange(field, { kind: 'whole', min, max });
const seconds = (field: string) => inRange(field, { kind: 'decimal', min: 0, minExclusive: true });

/** `tecsalud-batch.config.json`: every key optional; unknown keys are refused (a typo must not go unnoticed). */
export const configFileSchema = z.strictObject(
  {
    db: text('db').optional(),
    vectorStore: z
      .enum(VECTOR_STORES, { error: () => "vectorStore must be 'embedded' or 'chroma'" })
      .optional(),
    collection: text('collection').optional(),
    chroma: z
      .strictObject({
        url: text('chroma.url').optional(),
        tenant: text('chroma.tenant').optional(),
        database: text('chroma.database').optional(),
        batchSize: whole('chroma.batchSize', 1).optional(),
        timeoutSeconds: seconds('chroma.timeoutSeconds').optional(),
        authToken: text('chroma.authToken').optional(),
        authHeader: z
          .enum(CHROMA_AUTH_HEADERS, {
            error: () => "chroma.authHeader must be 'Authorization' or 'X-Chroma-Token'",
          })
          .optional(),
      })
      .optional(),
    embedder: z
      .enum(EMBEDDERS, { error: () => "embedder must be 'hashing', 'openai' or 'azure'" })
      .optional(),
    embedding: z
      .strictObject({
        model: text('embedding.model').optional(),
        dimensions: whole('embedding.dimensions', 1).optional(),
        maxInFlight: whole('embedding.maxInFlight', 1).optional(),
        maxRetries: whole('embedding.maxRetries', 0).optional(),
        /** Chunks per request to a remote embedder, gathered across files (`--embed-batch-size`). */
        batchSize: whole('embedding.batchSize', 1, 2048).optional(),
        /** The longest a chunk waits for others to fill its request. */
        batchWindowMs: whole('embedding.batchWindowMs', 0).optional(),
        timeoutSeconds: seconds('embedding.timeoutSeconds').optional(),
      })
      .optional(),
    openai: z
      .strictObject({ apiKey: text('openai.apiKey').optional(), baseUrl: text('openai.baseUrl').optional() })
      .optional(),
    queue: z
      .strictObject({
        enabled: z.boolean({ error: () => 'queue.enabled must be true or false' }).optional(),
        schema: z
          .string({ error: () => 'queue.schema must be a string' })
          .regex(
            /^[a-z_][a-z0-9_]{0,62}$/,
            'queue.schema must be a PostgreSQL name (lowercase letters, digits, _)',
          )
          .optional(),
        retryLimit: whole('queue.retryLimit', 0).optional(),
        retryDelaySeconds: whole('queue.retryDelaySeconds', 1).optional(),
        untilIdleOutageSeconds: whole('queue.untilIdleOutageSeconds', 1).optional(),
      })
      .optional(),
    ocr: z
      .strictObject({
        mode: z.enum(OCR_MODES, { error: () => "ocr.mode must be 'auto', 'off' or 'force'" }).optional(),
        engine: z
          .enum(OCR_ENGINES, { error: () => "ocr.engine must be 'tesseract.js' or 'tesseract'" })
          .optional(),
        minConfidence: inRange('ocr.minConfidence', { kind: 'decimal', min: 0, max: 1 }).optional(),
        pageTimeoutSeconds: seconds('ocr.pageTimeoutSeconds').optional(),
        fileTimeoutSeconds: z
          .number({ error: () => 'ocr.fileTimeoutSeconds must be a number' })
          .positive('ocr.fileTimeoutSeconds must be positive')
          .optional(),
        processes: whole('ocr.processes', 1).optional(),
      })
      .optional(),
    /** `--include-hidden` for every ingest: hidden and system entries of the drop are taken, not skipped. */
    includeHidden: z.boolean({ error: () => 'includeHidden must be true or false' }).optional(),
    /** `--trust-content` for every ingest (issue 15); a flag (`--no-trust-content`) still wins. */
    trustContent: z.boolean({ error: () => 'trustContent must be true or false' }).optional(),
    azure: z
      .strictObject({
        endpoint: text('azure.endpoint').optional(),
        apiKey: text('azure.apiKey').optional(),
        deployment: text('azure.deployment').optional(),
        apiVersion: text('azure.apiVersion').optional(),
      })
      .optional(),
    /** Modes of what the tool creates: 'owner' (0600 / 0700, the default) or 'group' (0640 / 0750). */
    fileMode: z.enum(FILE_MODE_POLICIES, { error: () => "fileMode must be 'owner' or 'group'" }).optional(),
    /** Years a document is kept from its patient's last document before `cleanup --purge` may delete it. */
    retentionYears: whole('retentionYears', 0).optional(),
    /** `tecsalud-batch serve`: the HTTP API (flags override these). */
    serve: z
      .strictObject({
        host: text('serve.host').optional(),
        port: whole('serve.port', 0, 65535).optional(),
        uploadDir: text('serve.uploadDir').optional(),
        /** Origins allowed to call the API from a browser (CORS); none by default. */
        corsOrigins: z
          .array(text('serve.corsOrigins[]'), { error: () => 'serve.corsOrigins must be a list of origins' })
          .optional(),
        /** Requests per minute per token (per client address without one, 401s included); 0 turns the limit off. */
        rateLimit: whole('serve.rateLimit', 0).optional(),
        /** Largest uploaded file, e.g. "10MB". */
        maxFileSize: text('serve.maxFileSize').optional(),
        maxFilesPerSession: whole('serve.maxFilesPerSession', 1).optional(),
        /** How long a session nobody processed is kept after its last upload, e.g. "72h", "3d"; "off": until processed. */
        sessionExpiry: text('serve.sessionExpiry').optional(),
        /** Behind a reverse proxy: take the client's address from X-Forwarded-For (the proxy's address list, or true). */
        trustProxy: z
          .union([z.boolean(), z.array(text('serve.trustProxy[]'))], {
            error: () => 'serve.trustProxy must be true, false or a list of proxy addresses',
          })
          .optional(),
      })
      .optional(),
  },
  // An unknown key (here or in a section) is worded, with the nearest known key, by load-config.
);

export type ConfigFile = z.infer<typeof configFileSchema>;
