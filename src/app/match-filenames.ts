import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { TextExtractor } from '../adapters/extraction/types.js';
import type { BackendConfig } from '../config/load-config.js';
import { resolveOcrSettings, type OcrSettings } from '../config/ocr-settings.js';
import { readContentIdentity } from '../core/content/read-content-identity.js';
import type { ContentCheckDetails } from '../core/content/types.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import type { FileOutcome } from '../core/pipeline/file-outcome.js';
import type { MatchDecision, MatchThresholds } from '../core/matching/types.js';
import { crossCheckAgainstRegistry, matchAgainstRegistry } from '../db/match-against-registry.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { checkDropFile } from '../ingest/check-drop-file.js';
import { DropFileReader } from '../ingest/read-drop-file.js';
import { EXTRACTION_OUTCOMES } from '../ingest/extraction-outcome.js';
import { DEFAULT_MAX_FILE_SIZE } from '../core/pipeline/defaults.js';
import { DEFAULT_EXTRACTOR, openExtractor, withOcr, type ExtractorName } from './open-extractor.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface FilenameMatch {
  filename: string;
  /** Why the name does not parse; then there is no decision. */
  error?: string;
  /**
   * The decision ingest would act on: the filename's, after the content cross-check when the PDF was read.
   * When the PDF is `unreadable`, ingest acts on none: it fails the file with `content.outcome`.
   */
  decision?: MatchDecision;
  /** The filename's decision alone (the same as `decision` when the content changed nothing). */
  filenameDecision?: MatchDecision;
  /**
   * The content cross-check (issue 15): `read` with its details when the PDF was read; `unreadable` with
   * the extractor's reason and the outcome the run records for it (`image_only` for a scan with OCR off: a
   * file whose text cannot be extracted fails, whatever its filename matches); `skipped` when the argument
   * is no file or `--no-content` was given; `notFound` when the argument is a path (it names a folder) at which
   * there is no file: a mistyped path is said to be one, not judged silently by its name.
   */
  content:
    | { status: 'read'; details: ContentCheckDetails }
    | { status: 'unreadable'; message: string; outcome: FileOutcome }
    | { status: 'skipped'; notFound?: string };
}

export interface MatchFilenamesOptions {
  thresholds: MatchThresholds;
  /** Read each argument that is an existing file and cross-check its text (DECISIONS: `--no-content` skips). */
  readContent: boolean;
  /** The run's --max-file-size: a PDF on disk over it fails `too_large` there, unread (ingest's default when absent). */
  maxFileSize?: number;
  trustContent: boolean;
  /** How scanned pages are read (flags, environment, config file, as ingest resolves them). */
  ocrSettings?: OcrSettings;
  /** The text extractor ingest would use (`--extractor`); the default one when absent. */
  extractor?: ExtractorName;
}

export interface MatchLocation extends RegistryLocation {
  env: NodeJS.ProcessEnv;
  config: BackendConfig | null;
  /** An extractor to use instead of starting the default one (the caller keeps and closes it). */
  extractor?: TextExtractor;
}

/**
 * How each filename would match against the registry now: what `ingest` would decide. An argument that
 * is a PDF on disk is read too, and its text cross-checked as ingest does.
 */
export async function matchFilenames(
  location: MatchLocation,
  names: string[],
  options: MatchFilenamesOptions,
): Promise<FilenameMatch[]> {
  let opened: TextExtractor | null = null;
  const extractor = async (): Promise<TextExtractor> => {
    if (location.extractor) return location.extractor;
    if (opened === null) {
      const ocr = options.ocrSettings ?? resolveOcrSettings({ env: location.env }, location.config?.ocr);
      opened = await withOcr(
        await openExtractor(options.extractor ?? DEFAULT_EXTRACTOR, { workers: 1 }),
        ocr,
        1,
      );
    }
    return opened;
  };
  try {
    return await withRegistry(location, async ({ db }) => {
      const patients = new PatientRepository(db);
      const totalPatients = await patients.count();
      const context = { totalPatients, thresholds: options.thresholds };
      const out: FilenameMatch[] = [];
      // One reader for the command, as a run has one: it learns from slow reads across files.
      const reader = new DropFileReader({ maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE });
      for (const name of names) {
        const file = path.resolve(location.cwd, name);
        const kind = await entryKind(file);
        // A folder is no filename: its name would be "refused" as a file name, exit 3, which says nothing useful.
        if (kind === 'folder') {
          throw new UsageError(
            `'${name}' is a folder: match takes file names, or paths of PDFs`,
            `for every file of a folder, see what a run would do with \`tecsalud-batch ingest ${name} --dry-run\``,
          );
        }
        const filename = path.basename(name);
        const parse = parseFilename(filename);
        if (!parse.ok) {
          out.push({ filename, error: parse.error.message, content: { status: 'skipped' } });
          continue;
        }
        const decision = await matchAgainstRegistry(patients, parse.parsed, context);
        if (!options.readContent || kind !== 'file') {
          const notFound =
            options.readContent && kind === null && filename !== name ? { notFound: name } : {};
          out.push({
            filename,
            decision,
            filenameDecision: decision,
            content: { status: 'skipped', ...notFound },
          });
          continue;
        }
        // Ingest's checks before any extraction: a file it fails as empty or not a PDF is said so, not "corrupt".
        // Refused in the run's words: a file it may not read, a pipe (never opened), over the size limit, empty…
        const refused = await checkDropFile(
          { relativePath: filename, absolutePath: file, outsideSource: false },
          reader,
        );
        if (refused) {
          out.push({
            filename,
            decision,
            filenameDecision: decision,
            content: { status: 'unreadable', message: refused.message, outcome: refused.outcome },
          });
          continue;
        }
        const extraction = await (await extractor()).extract(file);
        if (!extraction.ok) {
          out.push({
            filename,
            decision,
            filenameDecision: decision,
            content: {
              status: 'unreadable',
              message: extraction.message,
              outcome: EXTRACTION_OUTCOMES[extraction.outcome],
            },
          });
          continue;
        }
        const identity = readContentIdentity(extraction.pageTexts ?? extraction.text, {
          referenceYear: new Date().getFullYear(),
        });
        const checked = await crossCheckAgainstRegistry(
          patients,
          { filename: parse.parsed, decision, identity, trustContent: options.trustContent },
          context,
        );
        out.push({
          filename,
          decision: checked.decision,
          filenameDecision: decision,
          content: { status: 'read', details: checked.details },
        });
      }
      return out;
    });
  } finally {
    await (opened as TextExtractor | null)?.close();
  }
}

/**
 * What a name given to match is on disk: a folder, a file, or neither (a bare filename). A named pipe, socket or
 * device is a file here: the run lists it and fails it `unreadable` without opening it, and so does match.
 */
async function entryKind(file: string): Promise<'file' | 'folder' | null> {
  try {
    const stat = await fs.stat(file);
    return stat.isDirectory() ? 'folder' : 'file';
  } catch (error) {
    // A path in a folder this user may not enter is a file the run could not read either: said so, not
    // judged by its name alone as if it were no file.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'file' : null;
  }
}
