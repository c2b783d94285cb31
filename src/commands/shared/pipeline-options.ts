import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { EXTRACTORS } from '../../app/open-extractor.js';
import { DEFAULT_THRESHOLDS } from '../../core/matching/thresholds.js';
import { maxFileSizeOption } from './max-file-size.js';

/** `--extractor`, as `ingest` and `serve` both list it (the default is DEFAULT_EXTRACTOR, app/open-extractor). */
export function extractorOption() {
  return new Option(
    '--extractor <name>',
    'pdfium (default), pdf-parse (pure JavaScript, slower) or pdftotext (needs poppler-utils)',
  ).choices(EXTRACTORS);
}

/**
 * The flags that tune the pipeline itself (how files are read, chunked, matched and written), as `ingest`
 * declares them; `serve` runs the same pipeline and takes the same flags. Their values are resolved by
 * `resolveIngestOptions` (commands/ingest-options.ts).
 */
export function addPipelineOptions<
  Args extends unknown[],
  Opts extends OptionValues,
  Globals extends OptionValues,
>(command: Command<Args, Opts, Globals>) {
  return command
    .option(
      '--concurrency <n>',
      'files in flight at once; extraction runs in min(n, cores, 10) processes (default: 2 × min(cores, 10))',
    )
    .addOption(maxFileSizeOption())
    .option('--chunk-size <chars>', 'characters per chunk (default 1000)')
    .option('--chunk-overlap <chars>', 'characters shared by consecutive chunks (default 200)')
    .option('--embed-batch-size <n>', 'chunks per embedder call (default 256)')
    .option(
      '--store-batch-size <n>',
      'files written together: one vector-store call and one database transaction (default 32)',
    )
    .option(
      '--auto-threshold <x>',
      `confidence at or above which a match is attached automatically (default ${DEFAULT_THRESHOLDS.auto.toFixed(2)})`,
    )
    .option(
      '--review-threshold <x>',
      `confidence at or above which a match goes to review, below it a new patient (default ${DEFAULT_THRESHOLDS.review.toFixed(2)})`,
    )
    .option('--timeout <seconds>', 'per-file text-extraction limit (default 60)')
    .addOption(extractorOption())
    .option('--collection <name>', 'vector collection (default medical_documents)');
}
