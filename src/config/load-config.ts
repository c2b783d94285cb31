import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

import { DEFAULT_COLLECTION } from '../core/pipeline/defaults.js';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../core/queue/defaults.js';
import { NOM_004_RETENTION_YEARS } from '../core/registry/retention.js';
import { closestChoice } from '../core/text/closest-choice.js';
import { fileSystemProblem } from '../core/text/file-system-problem.js';
import { checkChoice, choiceError } from './choice-setting.js';
import { describeJsonError } from './describe-json-error.js';
import { readNumberSetting } from './number-setting.js';
import { checkPathSetting, homeFolder } from './path-setting.js';
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

/** Chroma's rule for a collection's name: 3 to 512 of [a-zA-Z0-9._-], starting and ending with a letter or digit. */
const CHROMA_COLLECTION_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]$/;

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
  /** The config file's `includeHidden` (the ingest's `--include-hidden` / `--no-include-hidden` win). */
  includeHidden?: boolean;
  /** Modes of the files and folders the tool creates (`fileMode`; default owner-only). */
  fileMode: FileModePolicy;
  /** `retentionYears`: how long documents are kept before `cleanup --purge` may delete them (NOM-004: 5). */
  retentionYears: number;
  /** The config file's `serve` section (the HTTP API's settings), as written; `serve`'s flags override it. */
  serve: NonNullable<ConfigFile['serve']>;
  /**
   * The embedding settings given (a flag, a variable, the config file's key, as written) that the chosen embedder
   * has no use for: a model or dimensions with the offline hashing embedder, which a person who meant a remote one
   * would otherwise never learn was not used.
   */
  ignoredEmbeddingSettings: string[];
  /** Where each top-level choice came from, for `doctor`. */
  sources: Record<
    'db' | 'vectorStore' | 'collection' | 'chromaUrl' | 'embedder' | 'embeddingModel',
    ValueSource
  >;
}

/** Where the embedding model was given, as the person wrote it. */
const MODEL_SETTING_NAMES: Record<ValueSource, string> = {
  flag: '--embedding-model',
  env: 'TECSALUD_EMBEDDING_MODEL',
  file: 'embedding.model',
  default: 'embedding.model',
};

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

  const vectorStore = checkChoice(
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
  const embedder = checkChoice(
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
    checkPathSetting(db, sources.db === 'env' ? 'TECSALUD_DB' : "the config file's db", homeFolder(env));
  }
  const collection = pick(
    'collection',
    flags.collection,
    e('TECSALUD_COLLECTION'),
    values.collection,
    DEFAULT_COLLECTION,
  );
  const collectionFrom =
    sources.collection === 'flag'
      ? '--collection'
      : sources.collection === 'env'
        ? 'TECSALUD_COLLECTION'
        : 'collection';
  if (collection.trim() === '') {
    throw new UsageError(
      `${collectionFrom} must not be empty`,
      `leave it out for the default collection '${DEFAULT_COLLECTION}'`,
    );
  }
  // Chroma refuses other names with a 400 in the middle of the run; said here, before anything starts.
  if (vectorStore === 'chroma' && !CHROMA_COLLECTION_NAME.test(collection)) {
    throw new UsageError(
      `${collectionFrom} '${collection}' is not a name Chroma accepts`,
      'use 3 to 512 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit (e.g. medical_documents_2)',
    );
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
  const dimensionsFlag = positiveInteger(flags.embeddingDimensions, '--embedding-dimensions');
  // Read only when no flag is given: the flag overrides the variable, even one that would be refused.
  const dimensionsEnv =
    dimensionsFlag === undefined
      ? positiveInteger(e('TECSALUD_EMBEDDING_DIMENSIONS'), 'TECSALUD_EMBEDDING_DIMENSIONS')
      : undefined;
  const dimensions = dimensionsFlag ?? dimensionsEnv ?? values.embedding?.dimensions;
  // The offline hashing embedder has neither a model nor a choice of dimensions.
  const ignoredEmbeddingSettings: string[] = [];
  if (embedder === 'hashing' && model !== undefined) {
    ignoredEmbeddingSettings.push(MODEL_SETTING_NAMES[sources.embeddingModel]);
  }
  if (embedder === 'hashing' && dimensions !== undefined) {
    ignoredEmbeddingSettings.push(
      dimensionsFlag !== undefined
        ? '--embedding-dimensions'
        : dimensionsEnv !== undefined
          ? 'TECSALUD_EMBEDDING_DIMENSIONS'
          : 'embedding.dimensions',
    );
  }

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
      timeoutSeconds:
        positiveSeconds(e('TECSALUD_CHROMA_TIMEOUT'), 'TECSALUD_CHROMA_TIMEOUT') ??
        values.chroma?.timeoutSeconds,
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
      untilIdleOutageSeconds:
        values.queue?.untilIdleOutageSeconds ?? DEFAULT_QUEUE_SETTINGS.untilIdleOutageSeconds,
    },
    ocr: compact({ ...values.ocr }),
    ...(values.trustContent === undefined ? {} : { trustContent: values.trustContent }),
    ...(values.includeHidden === undefined ? {} : { includeHidden: values.includeHidden }),
    fileMode: values.fileMode ?? 'owner',
    retentionYears: values.retentionYears ?? NOM_004_RETENTION_YEARS,
    serve: values.serve ?? {},
    ignoredEmbeddingSettings,
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
    const why =
      code === 'ENOENT' ? 'it does not exist' : (fileSystemProblem(error) ?? (error as Error).message);
    throw new UsageError(`cannot read the config file ${file}: ${why}`, 'check the path given with --config');
  }
  const name = path.basename(file);
  // An empty file (or `--config /dev/null`) is not a JSON error a person can find a line for.
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new UsageError(
      `the config file ${file} is empty`,
      explicit
        ? 'write {} in it for no settings, or leave out --config'
        : 'write {} in it for no settings, or remove it',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(
      `${name} is not valid JSON${describeJsonError(text.replace(/^\uFEFF/, ''), (error as Error).message)}`,
      `JSON wants double-quoted keys and strings, no trailing commas and no comments; fix ${file} (\`tecsalud-batch doctor\` checks it)`,
    );
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, json));
    const fixes = problems.flatMap((problem) => (problem.fix ? [problem.fix] : []));
    throw new UsageError(
      `${name}: ${problems.map((problem) => problem.message).join('; ')}`,
      fixes.length > 0 ? `${fixes.join('; ')} in ${file}` : `fix ${file}, or pass another with --config`,
    );
  }
  return { file, values: parsed.data };
}

/** An HTTP header's name, which HTTP (and Chroma's own variable) read in any case. */
function oneOfIgnoringCase<T extends string>(value: string, allowed: readonly T[], field: string): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (found) return found;
  throw choiceError(value, allowed, field);
}

function positiveSeconds(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  return readNumberSetting(value, field, { kind: 'decimal', min: 0, minExclusive: true });
}

function positiveInteger(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  return readNumberSetting(value, field, { kind: 'whole', min: 1 });
}

/** Drops undefined fields, so optional properties stay absent rather than present-and-undefined. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One problem of a config file in words a person fixes it by, and what to write instead when we can tell. */
function describeIssue(issue: z.core.$ZodIssue, json: unknown): { message: string; fix?: string }[] {
  const where = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(where);
    return issue.keys.map((key) => {
      const full = [...where, key].join('.');
      const near = closestChoice(key, known);
      return near === null
        ? {
            message: `unknown key '${full}'`,
            fix: `remove '${full}'${known.length > 0 ? ` (the keys${where.length > 0 ? ` of ${where.join('.')}` : ''} are ${known.join(', ')})` : ''}`,
          }
        : {
            message: `unknown key '${full}'`,
            fix: `did you mean '${[...where, near].join('.')}'? write that instead of '${full}'`,
          };
    });
  }
  const key = where.join('.');
  // zod's own words ("Invalid input: expected object, received array") tell nobody what to write.
  if (issue.code === 'invalid_type' && issue.expected === 'object') {
    const given = jsonKindOf(valueAt(json, where));
    return [
      key
        ? { message: `${key} must be an object of settings ({ … }), not ${given}` }
        : {
            message: `the config file must hold one JSON object of settings ({ … }), not ${given}`,
            fix: 'write {} for no settings',
          },
    ];
  }
  // Our messages name their field; zod's generic ones get the path in front.
  const message = key && !issue.message.startsWith(key) ? `${key}: ${issue.message}` : issue.message;
  if (issue.code === 'invalid_value') {
    const given = valueAt(json, where);
    const choices = issue.values.filter((v): v is string => typeof v === 'string');
    if (typeof given === 'string') {
      const near = closestChoice(given, choices);
      return [
        {
          message: `${message}, not '${given}'`,
          ...(near === null
            ? {}
            : { fix: `did you mean '${near}'? write "${where[where.length - 1]}": "${near}"` }),
        },
      ];
    }
  }
  return [{ message }];
}

/** The keys the config file takes at `keyPath` (top level: []), for the nearest one to an unknown key. */
function knownKeysAt(keyPath: readonly string[]): string[] {
  let schema: z.ZodType = configFileSchema;
  for (const key of keyPath) {
    const object = unwrapOptional(schema);
    if (!(object instanceof z.ZodObject)) return [];
    schema = (object.shape as Record<string, z.ZodType>)[key]!;
    if (schema === undefined) return [];
  }
  const object = unwrapOptional(schema);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

function unwrapOptional(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
}

/** What a JSON value is, in the words of the refusal. */
function jsonKindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list ([ … ])';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return 'something else';
}

function valueAt(json: unknown, keyPath: readonly string[]): unknown {
  let value = json;
  for (const key of keyPath)
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}
