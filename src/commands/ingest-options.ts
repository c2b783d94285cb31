import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { currentUser } from '../app/current-user.js';
import { DEFAULT_CONCURRENCY } from '../app/ingest-defaults.js';
import { DEFAULT_EXTRACTOR, EXTRACTORS, type ExtractorName } from '../app/open-extractor.js';
import {
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_EMBED_BATCH_SIZE,
  DEFAULT_STORE_BATCH_SIZE,
  DEFAULT_THRESHOLDS,
} from '../core/pipeline/defaults.js';
import { readMaxFileSize } from './shared/max-file-size.js';
import { PROCESSING_TYPES } from '../core/pipeline/statuses.js';
import type { OcrSettings } from '../config/ocr-settings.js';
import { readNumberSetting, type NumberRange } from '../config/number-setting.js';
import { UsageError } from '../errors.js';
import { onDiskSpelling, realPathAsFarAsItExists } from '../real-path.js';
import type { IngestOptions } from '../ingest/types.js';
import {
  resolveOcrAndContent,
  type OcrAndContentFlags,
  type OcrAndContentSources,
} from './shared/ocr-content-options.js';

/**
 * The flags of `ingest` that shape a run, as commander hands them over (strings), with the environment and
 * the config file's values that fill in the OCR and content-check flags not given.
 */
export interface IngestFlags extends OcrAndContentFlags, OcrAndContentSources {
  /** The folder, relative to `cwd`. */
  dir: string;
  cwd: string;
  type?: string;
  user?: string;
  glob?: string;
  concurrency?: string;
  maxFileSize?: string;
  maxFiles?: string;
  chunkSize?: string;
  chunkOverlap?: string;
  embedBatchSize?: string;
  storeBatchSize?: string;
  autoThreshold?: string;
  reviewThreshold?: string;
  timeout?: string;
  extractor?: string;
  /** The config file's `embedding.batchSize` (the flag comes first). */
  embedBatchSizeConfig?: number;
  force?: boolean;
  /** `--include-hidden` / `--no-include-hidden`; else the config file's `includeHidden`. */
  includeHidden?: boolean;
  includeHiddenConfig?: boolean;
  archiveDir?: string;
  quarantineDir?: string;
  /** `--still-writing-seconds`: absent, files are taken as whole (an upload's). */
  stillWritingSeconds?: string;
  signal?: AbortSignal;
}

export type ResolvedIngestOptions = IngestOptions & {
  timeoutSeconds: number;
  extractor: ExtractorName;
  /** How the extractor OCRs pages without a text layer (flags > environment > config file > defaults). */
  ocrSettings: OcrSettings;
};

const optionsSchema = z
  .object({
    type: z
      .enum(PROCESSING_TYPES, { error: () => `--type must be one of ${PROCESSING_TYPES.join(', ')}` })
      .default('both'),
    concurrency: z.coerce
      .number({ error: () => '--concurrency must be a whole number from 1 to 64' })
      .int('--concurrency must be a whole number from 1 to 64')
      .min(1, '--concurrency must be at least 1')
      .max(64, '--concurrency must be at most 64')
      .default(DEFAULT_CONCURRENCY),
    maxFiles: z.coerce
      .number({ error: () => '--max-files must be a whole number' })
      .int('--max-files must be a whole number')
      .min(1, '--max-files must be at least 1')
      .default(1000),
    chunkSize: z.coerce
      .number({ error: () => '--chunk-size must be a number of characters' })
      .int('--chunk-size must be a whole number')
      .min(100, '--chunk-size must be at least 100 characters')
      .max(100_000, '--chunk-size must be at most 100000 characters')
      .default(DEFAULT_CHUNK_SIZE),
    chunkOverlap: z.coerce
      .number({ error: () => '--chunk-overlap must be a number of characters' })
      .int('--chunk-overlap must be a whole number')
      .min(0, '--chunk-overlap must be ≥ 0')
      .default(DEFAULT_CHUNK_OVERLAP),
    embedBatchSize: z.coerce
      .number({ error: () => '--embed-batch-size must be a whole number' })
      .int('--embed-batch-size must be a whole number')
      .min(1, '--embed-batch-size must be at least 1')
      .max(2048, '--embed-batch-size must be at most 2048')
      .default(DEFAULT_EMBED_BATCH_SIZE),
    storeBatchSize: z.coerce
      .number({ error: () => '--store-batch-size must be a whole number' })
      .int('--store-batch-size must be a whole number')
      .min(1, '--store-batch-size must be at least 1')
      .max(1000, '--store-batch-size must be at most 1000')
      .default(DEFAULT_STORE_BATCH_SIZE),
    autoThreshold: z.coerce
      .number({ error: () => '--auto-threshold must be a number between 0 and 1' })
      .min(0, '--auto-threshold must be between 0 and 1')
      .max(1, '--auto-threshold must be between 0 and 1')
      .default(DEFAULT_THRESHOLDS.auto),
    reviewThreshold: z.coerce
      .number({ error: () => '--review-threshold must be a number between 0 and 1' })
      .min(0, '--review-threshold must be between 0 and 1')
      .max(1, '--review-threshold must be between 0 and 1')
      .default(DEFAULT_THRESHOLDS.review),
    extractor: z
      .enum(EXTRACTORS, { error: () => `--extractor must be one of ${EXTRACTORS.join(', ')}` })
      .default(DEFAULT_EXTRACTOR),
    timeout: z.coerce
      .number({ error: () => '--timeout must be a number of seconds' })
      .positive('--timeout must be a positive number of seconds')
      .default(60),
  })
  .refine((o) => o.chunkOverlap < o.chunkSize, {
    message: '--chunk-overlap must be smaller than --chunk-size',
  })
  .refine((o) => o.reviewThreshold <= o.autoThreshold, {
    message: '--review-threshold must not be above --auto-threshold',
  });

/**
 * The numeric flags, as the user types them, with the values each accepts (see readNumberSetting). The
 * schema above repeats the ranges for the values that come from elsewhere (the config file's batch size).
 */
const NUMBER_FLAGS = {
  concurrency: ['--concurrency', { kind: 'whole', min: 1, max: 64 }],
  maxFiles: ['--max-files', { kind: 'whole', min: 1 }],
  chunkSize: ['--chunk-size', { kind: 'whole', min: 100, max: 100_000 }],
  chunkOverlap: ['--chunk-overlap', { kind: 'whole', min: 0, max: 100_000 }],
  embedBatchSize: ['--embed-batch-size', { kind: 'whole', min: 1, max: 2048 }],
  storeBatchSize: ['--store-batch-size', { kind: 'whole', min: 1, max: 1000 }],
  autoThreshold: ['--auto-threshold', { kind: 'decimal', min: 0, max: 1 }],
  reviewThreshold: ['--review-threshold', { kind: 'decimal', min: 0, max: 1 }],
  timeout: ['--timeout', { kind: 'decimal', min: 0, minExclusive: true }],
} as const satisfies Partial<Record<keyof IngestFlags, readonly [string, NumberRange]>>;

export function resolveIngestOptions(flags: IngestFlags): ResolvedIngestOptions {
  // The folder as spelled on disk (accents written another way): the lock, the session and the archive checks
  // all see the one folder.
  const raw =
    flags.dir.trim() === '' ? flags : { ...flags, dir: onDiskSpelling(path.resolve(flags.cwd, flags.dir)) };
  for (const [key, [flag, range]] of Object.entries(NUMBER_FLAGS)) {
    const given = raw[key as keyof typeof NUMBER_FLAGS];
    if (given !== undefined) readNumberSetting(given, flag, range);
  }
  const parsed = optionsSchema.safeParse({
    type: raw.type,
    concurrency: raw.concurrency,
    maxFiles: raw.maxFiles,
    chunkSize: raw.chunkSize,
    chunkOverlap: raw.chunkOverlap,
    embedBatchSize: raw.embedBatchSize ?? raw.embedBatchSizeConfig,
    storeBatchSize: raw.storeBatchSize,
    autoThreshold: raw.autoThreshold,
    reviewThreshold: raw.reviewThreshold,
    timeout: raw.timeout,
    extractor: raw.extractor,
  });
  if (!parsed.success) {
    // Which value was refused, beside the range it must be in.
    const given = (issue: { path: PropertyKey[] }) => {
      const key = issue.path[0];
      const value =
        typeof key === 'string' && key in NUMBER_FLAGS ? raw[key as keyof typeof NUMBER_FLAGS] : undefined;
      return value === undefined ? '' : `, not '${value}'`;
    };
    throw new UsageError(parsed.error.issues.map((issue) => `${issue.message}${given(issue)}`).join('; '));
  }
  const maxFileSize = readMaxFileSize(raw.maxFileSize);
  const o = parsed.data;
  // `ingest "$DROP"` with DROP unset would otherwise ingest (and move files out of) the current folder.
  if (raw.dir.trim() === '') {
    throw new UsageError(
      "no folder to ingest: DIR is ''",
      'give the drop folder, e.g. tecsalud-batch ingest /srv/drop (in a cron line, check the variable it comes from)',
    );
  }
  const { ocrSettings: ocr, trustContent } = resolveOcrAndContent(raw, raw);
  return {
    sourceDir: path.resolve(raw.cwd, raw.dir),
    glob: raw.glob,
    includeHidden: raw.includeHidden ?? raw.includeHiddenConfig ?? false,
    processingType: o.type,
    uploadedBy: raw.user?.trim() || currentUser(),
    concurrency: o.concurrency,
    maxFileSize,
    maxFiles: o.maxFiles,
    chunkSize: o.chunkSize,
    chunkOverlap: o.chunkOverlap,
    embedBatchSize: o.embedBatchSize,
    storeBatchSize: o.storeBatchSize,
    force: Boolean(raw.force),
    thresholds: { auto: o.autoThreshold, review: o.reviewThreshold },
    trustContent,
    signal: raw.signal,
    timeoutSeconds: o.timeout,
    extractor: o.extractor,
    ocrSettings: ocr,
    ocr: { mode: ocr.mode, engine: ocr.engine, minConfidence: ocr.minConfidence },
    ...resolveDisposalDirs(raw),
    ...(raw.stillWritingSeconds === undefined
      ? {}
      : {
          stillWritingMs:
            readNumberSetting(raw.stillWritingSeconds, '--still-writing-seconds', {
              kind: 'decimal',
              min: 0,
              max: 86_400,
            }) * 1000,
        }),
  };
}

/**
 * The archive and the quarantine are how the records team tells, in the file-system, what was filed from
 * what needs a person: one folder for both would mix them for good.
 */
function resolveDisposalDirs(raw: IngestFlags): {
  archiveDir: string | undefined;
  quarantineDir: string | undefined;
} {
  const archiveDir = resolveDisposalDir(raw.archiveDir, '--archive-dir', raw);
  const quarantineDir = resolveDisposalDir(raw.quarantineDir, '--quarantine-dir', raw);
  if (archiveDir && quarantineDir && realPathOf(archiveDir) === realPathOf(quarantineDir)) {
    throw new UsageError(
      `--archive-dir and --quarantine-dir are the same folder (${realPathOf(archiveDir)}): ingested files and files that failed would be mixed`,
      'give each its own folder, e.g. /srv/tecsalud/archive and /srv/tecsalud/quarantine',
    );
  }
  // One inside the other mixes them too: files keep their path in DIR, so DIR/archive/notes.txt quarantined
  // into /srv/q lands in an archive at /srv/q/archive (and the other way round).
  if (archiveDir && quarantineDir) {
    const [archive, quarantine] = [realPathOf(archiveDir), realPathOf(quarantineDir)];
    const [inner, outer, innerFlag, outerFlag] = archive.startsWith(quarantine + path.sep)
      ? [archive, quarantine, '--archive-dir', '--quarantine-dir']
      : quarantine.startsWith(archive + path.sep)
        ? [quarantine, archive, '--quarantine-dir', '--archive-dir']
        : [null, null, null, null];
    if (inner !== null) {
      throw new UsageError(
        `${innerFlag} (${inner}) is inside ${outerFlag} (${outer}): a file of a sub-folder '${path.relative(outer, inner)}' of the folder being ingested would land in the other one`,
        'give each its own folder, e.g. /srv/tecsalud/archive and /srv/tecsalud/quarantine',
      );
    }
  }
  return { archiveDir, quarantineDir };
}

/** Archive and quarantine folders must lie apart from the drop folder (neither inside nor around it), or the next run would find the files again. */
function resolveDisposalDir(value: string | undefined, flag: string, raw: IngestFlags): string | undefined {
  if (!value) return undefined;
  const dir = path.resolve(raw.cwd, value);
  const source = path.resolve(raw.cwd, raw.dir);
  // Compared with links resolved: an archive that is a link to the drop folder (or a drop folder reached
  // through a link) is the drop folder, and "moving" a file there would remove its only copy.
  const [realDir, realSource] = [realPathOf(dir), realPathOf(source)];
  if (realDir === realSource || realDir.startsWith(realSource + path.sep)) {
    const via =
      realDir === dir && realSource === source ? '' : ` (through a link: ${realDir} is in ${realSource})`;
    throw new UsageError(
      `${flag} '${value}' is inside the folder being ingested${via}`,
      'choose a folder outside it',
    );
  }
  // The other way round is no safer: a file is moved to the archive under its path in DIR, so
  // DIR/drop/a.pdf with the archive at DIR's parent "drop" lands at DIR/a.pdf, back in the drop folder (the
  // next run finds it again: a quarantined file fails every night). And the drop folder inside the
  // archive mixes files waiting with files filed.
  if (realSource.startsWith(realDir + path.sep)) {
    const beside = path.join(path.dirname(realSource), flag === '--archive-dir' ? 'archive' : 'quarantine');
    throw new UsageError(
      `${flag} '${value}' contains the folder being ingested (${realSource}): a file in a subfolder could be moved back into it`,
      `choose a folder beside it rather than above it, e.g. ${flag} ${beside}`,
    );
  }
  // Created on the first move when missing; a file in its place would fail every move of the run instead.
  let existing: fs.Stats | undefined;
  try {
    existing = fs.statSync(dir, { throwIfNoEntry: false });
  } catch {
    existing = undefined; // ENOTDIR: a file on its path; the move itself reports it
  }
  if (existing && !existing.isDirectory()) {
    throw new UsageError(
      `${flag} '${value}' is a file, not a folder`,
      'give a folder (it is created if missing)',
    );
  }
  if (!existing) refuseUncreatableDisposalDir(dir, value, flag);
  return dir;
}

/**
 * A folder the first move could never create, found at start (exit 64) rather than after the whole run, whose every
 * file then ended "not moved" and the run exit 3, night after night: a file on its path (`afile/sub`), or a nearest
 * existing folder this account may not write in (`/var/archive` for a service account). A folder that exists and
 * refuses a move (made read-only, a full disk) is reported per file, as before.
 */
function refuseUncreatableDisposalDir(dir: string, value: string, flag: string): void {
  let nearest = path.dirname(dir);
  while (!fs.existsSync(nearest) && path.dirname(nearest) !== nearest) nearest = path.dirname(nearest);
  if (!fs.statSync(nearest, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(
      `${flag} '${value}' cannot be created: ${nearest} is a file, not a folder`,
      'give a folder (it is created if missing)',
    );
  }
  try {
    fs.accessSync(nearest, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new UsageError(
      `${flag} '${value}' cannot be created: this account may not write in ${nearest}`,
      'give a folder this account can write, or change its owner or permissions (chown, chmod)',
    );
  }
}

const realPathOf = (target: string): string => realPathAsFarAsItExists(target).real;
