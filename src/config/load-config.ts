import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_COLLECTION } from '../core/pipeline/defaults.js';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../core/queue/defaults.js';
import { NOM_004_RETENTION_YEARS } from '../core/registry/retention.js';
import { fileSystemProblem } from '../core/text/file-system-problem.js';
import { checkPathSetting } from './path-setting.js';
import { UsageError } from '../errors.js';
import type { FileModePolicy } from '../private-files.js';
import {
  CHROMA_AUTH_HEADERS,
  configFileSchema,
  EMBEDDERS,
  type ChromaAuthHeader,
  VECTOR_STORES,
  type ConfigFile,
  type EmbedderKind,
  type VectorStoreKind,
} from './config-file-schema.js';

export const CONFIG_FILE_NAME = 'tecsalud-batch.config.json';
export const DEFAULT_CHROMA_URL = 'http://localhost:8000';

/** The flags every backend-using command accepts, as commander hands them over (strings). */
export interface BackendFlags {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** `--config PATH` */
  config?: string;
  db?: string;
  vectorStore?: string;
  chromaUrl?: string;
  /** `--chroma-token` (visible to other local users in the process list: the environment is better). */
  chromaToken?: string;
  collection?: string;
  embedder?: string;
  embeddingModel?: string;
  embeddingDimensions?: string;
}

export type ValueSource = 'flag' | 'env' | 'file' | 'default';

export interface BackendConfig {
  /** The config file read, or null when there is none. */
  file: string | null;
  /** `--db` / TECSALUD_DB / file; undefined leaves the default (./tecsalud-batch.db) to the database layer. */
  db: string | undefined;
  vectorStore: VectorStoreKind;
  collection: string;
  chroma: {
    url: string;
    tenant?: string;
    database?: string;
    batchSize?: number;
    /** Per request; default 30 s. */
    timeoutSeconds?: number;
    /** Sent with every request, for a server (or its proxy) that demands a token. Never printed. */
    authToken?: string;
    /** How the token travels: `Authorization: Bearer TOKEN` (default) or `X-Chroma-Token: TOKEN`. */
    authHeader?: ChromaAuthHeader;
  };
  embedder: EmbedderKind;
  embedding: {
    model?: string;
    dimensions?: number;
    maxInFlight?: number;
    maxRetries?: number;
    timeoutSeconds?: number;
    batchSize?: number;
    batchWindowMs?: number;
  };
  openai: { apiKey?: string; baseUrl?: string };
  azure: { endpoint?: string; apiKey?: string; deployment?: string; apiVersion?: string };
  /**
   * The job queue (PostgreSQL only): `enabled` makes the commands that process a session hand its files to
   * workers (`serve`); `ingest --enqueue` and `worker` use it whatever `enabled` says.
   */
  queue: QueueSettings & { enabled: boolean };
  /** The config file's `ocr` section (flags and env are applied by the ingest; see ocr-settings). */
  ocr: NonNullable<ConfigFile['ocr']>;
  /** The config file's `trustContent` (the ingest's `--trust-content` / `--no-trust-content` win). */
  trustContent?: boolean;
  /** Modes of the files and folders the tool creates (`fileMode`; default owner-only). */
  fileMode: FileModePolicy;
  /** `retentionYears`: how long documents are kept before `cleanup --purge` may delete them (NOM-004: 5). */
  retentionYears: number;
  /** The config file's `serve` section (the HTTP API's settings), as written; `serve`'s flags override it. */
  serve: NonNullable<ConfigFile['serve']>;
  /** Where each top-level choice came from, for `doctor`. */
  sources: Record<
    'db' | 'vectorStore' | 'collection' | 'chromaUrl' | 'embedder' | 'embeddingModel',
    ValueSource
  >;
}

/**
 * Reads the configuration: flags > environment > config file > defaults. The file is `--config PATH`
 * (which must exist) or `tecsalud-batch.config.json` in the working directory (when present).
 */
export async function loadBackendConfig(flags: BackendFlags): Promise<BackendConfig> {
  const env = flags.env ?? process.env;
  const { file, values } = await readConfigFile(flags);
  const e = (name: string): string | undefined => env[name]?.trim() || undefined;

  const sources = {} as BackendConfig['sources'];
  const pick = <T>(
    key: keyof BackendConfig['sources'],
    flag: T | undefined,
    fromEnv: T | undefined,
    fromFile: T | undefined,
    fallback: T,
  ): T => {
    if (flag !== undefined) return ((sources[key] = 'flag'), flag);
    if (fromEnv !== undefined) return ((sources[key] = 'env'), fromEnv);
    if (fromFile !== undefined) return ((sources[key] = 'file'), fromFile);
    return ((sources[key] = 'default'), fallback);
  };

  const vectorStore = oneOf(
    pick(
      'vectorStore',
      flags.vectorStore,
      e('TECSALUD_VECTOR_STORE'),
      values.vectorStore,
      'embedded' as string,
    ),
    VECTOR_STORES,
    sources.vectorStore === 'flag'
      ? '--vector-store'
      : sources.vectorStore === 'env'
        ? 'TECSALUD_VECTOR_STORE'
        : 'vectorStore',
  );
  const embedder = oneOf(
    pick('embedder', flags.embedder, e('TECSALUD_EMBEDDER'), values.embedder, 'hashing' as string),
    EMBEDDERS,
    sources.embedder === 'flag'
      ? '--embedder'
      : sources.embedder === 'env'
        ? 'TECSALUD_EMBEDDER'
        : 'embedder',
  );
  const db = pick('db', flags.db, e('TECSALUD_DB'), values.db, undefined);
  if (db !== undefined && sources.db !== 'flag') {
    checkPathSetting(db, sources.db === 'env' ? 'TECSALUD_DB' : "the config file's db", env.HOME || os.homedir());
  }
  const collection = pick(
    'collection',
    flags.collection,
    e('TECSALUD_COLLECTION'),
    values.collection,
    DEFAULT_COLLECTION,
  );
  if (collection.trim() === '') {
    const from = sources.collection === 'flag' ? '--collection' : sources.collection === 'env' ? 'TECSALUD_COLLECTION' : 'collection';
    throw new UsageError(`${from} must not be empty`, `leave it out for the default collection '${DEFAULT_COLLECTION}'`);
  }
  const chromaUrl = pick(
    'chromaUrl',
    flags.chromaUrl,
    e('CHROMA_URL'),
    values.chroma?.url,
    DEFAULT_CHROMA_URL,
  );
  const model = pick(
    'embeddingModel',
    flags.embeddingModel,
    e('TECSALUD_EMBEDDING_MODEL'),
    values.embedding?.model,
    undefined,
  );
  const authHeader = e('CHROMA_AUTH_TOKEN_TRANSPORT_HEADER');
  const dimensions =
    positiveInteger(flags.embeddingDimensions, '--embedding-dimensions') ??
    positiveInteger(e('TECSALUD_EMBEDDING_DIMENSIONS'), 'TECSALUD_EMBEDDING_DIMENSIONS') ??
    values.embedding?.dimensions;

  return {
    file,
    db,
    vectorStore,
    collection,
    chroma: compact({
      url: chromaUrl,
      tenant: e('CHROMA_TENANT') ?? values.chroma?.tenant,
      database: e('CHROMA_DATABASE') ?? values.chroma?.database,
      batchSize: values.chroma?.batchSize,
      timeoutSeconds: positiveSeconds(e('TECSALUD_CHROMA_TIMEOUT'), 'TECSALUD_CHROMA_TIMEOUT') ?? values.chroma?.timeoutSeconds,
      authToken: flags.chromaToken?.trim() || e('CHROMA_AUTH_TOKEN') || values.chroma?.authToken,
      authHeader: authHeader
        ? oneOfIgnoringCase(authHeader, CHROMA_AUTH_HEADERS, 'CHROMA_AUTH_TOKEN_TRANSPORT_HEADER')
        : values.chroma?.authHeader,
    }),
    embedder,
    embedding: compact({
      ...values.embedding,
      model,
      dimensions,
      timeoutSeconds:
        positiveSeconds(e('TECSALUD_EMBEDDING_TIMEOUT'), 'TECSALUD_EMBEDDING_TIMEOUT') ??
        values.embedding?.timeoutSeconds,
    }),
    openai: compact({
      apiKey: e('OPENAI_API_KEY') ?? values.openai?.apiKey,
      baseUrl: e('OPENAI_BASE_URL') ?? values.openai?.baseUrl,
    }),
    azure: compact({
      endpoint: e('AZURE_OPENAI_ENDPOINT') ?? values.azure?.endpoint,
      apiKey: e('AZURE_OPENAI_API_KEY') ?? values.azure?.apiKey,
      deployment: e('AZURE_OPENAI_DEPLOYMENT') ?? values.azure?.deployment,
      apiVersion: e('AZURE_OPENAI_API_VERSION') ?? e('OPENAI_API_VERSION') ?? values.azure?.apiVersion,
    }),
    queue: {
      enabled: values.queue?.enabled ?? false,
      schema: values.queue?.schema ?? DEFAULT_QUEUE_SETTINGS.schema,
      retryLimit: values.queue?.retryLimit ?? DEFAULT_QUEUE_SETTINGS.retryLimit,
      retryDelaySeconds: values.queue?.retryDelaySeconds ?? DEFAULT_QUEUE_SETTINGS.retryDelaySeconds,
    },
    ocr: compact({ ...values.ocr }),
    ...(values.trustContent === undefined ? {} : { trustContent: values.trustContent }),
    fileMode: values.fileMode ?? 'owner',
    retentionYears: values.retentionYears ?? NOM_004_RETENTION_YEARS,
    serve: values.serve ?? {},
    sources,
  };
}

async function readConfigFile(flags: BackendFlags): Promise<{ file: string | null; values: ConfigFile }> {
  const explicit = flags.config !== undefined;
  const file = path.resolve(flags.cwd, flags.config ?? CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return { file: null, values: {} };
    const why = code === 'ENOENT' ? 'it does not exist' : (fileSystemProblem(error) ?? (error as Error).message);
    throw new UsageError(`cannot read the config file ${file}: ${why}`, 'check the path given with --config');
  }
  const name = path.basename(file);
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const line = jsonErrorLine(text, (error as Error).message);
    throw new UsageError(
      `${name} is not valid JSON${line === null ? '' : ` (line ${line})`}: ${(error as Error).message}`,
      'JSON wants double-quoted keys and strings, no trailing commas and no comments; `tecsalud-batch doctor` checks the file',
    );
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.join('.');
      // Our messages name their field; zod's generic ones get the path in front.
      return where && !issue.message.startsWith(where) ? `${where}: ${issue.message}` : issue.message;
    });
    throw new UsageError(`${name}: ${problems.join('; ')}`, `fix ${file}, or pass another with --config`);
  }
  return { file, values: parsed.data };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${field} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, not '${value}'`);
}

function oneOfIgnoringCase<T extends string>(value: string, allowed: readonly T[], field: string): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (found) return found;
  throw new UsageError(`${field} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, not '${value}'`);
}

function positiveSeconds(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${field} must be a number of seconds above 0, not '${value}'`);
  return n;
}

function positiveInteger(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${field} must be a positive whole number, not '${value}'`);
  return n;
}

/** Drops undefined fields, so optional properties stay absent rather than present-and-undefined. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The line of a JSON.parse error's `position N` (Node 20 gives the offset only), or null. */
function jsonErrorLine(text: string, message: string): number | null {
  const position = /position (\d+)/.exec(message);
  if (!position) return null;
  return text.slice(0, Number(position[1])).split('\n').length;
}
