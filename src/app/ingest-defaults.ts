import os from 'node:os';

/**
 * SQLite page cache for a run, in MB. It counts in the resident memory, which must stay flat and small
 * beside the extraction processes (10,000 files: the whole process tree under 500 MB); the writes are
 * appends and the reads index lookups, which a larger cache barely speeds up.
 */
export const INGEST_SQLITE_CACHE_MB = 32;
/** Extraction processes: one per core, as the service's max_parallel_files, up to 10. */
export const EXTRACTION_PROCESSES = Math.min(os.availableParallelism(), 10);
/**
 * Files in flight: twice the extraction processes, so that while some files are matched, chunked and
 * stored on the main thread, every extraction process still has a file (measured on 2 cores, 1,000 files:
 * 4 in flight took 22 s where 2 took 26 s; 8 was no faster than 4).
 */
export const DEFAULT_CONCURRENCY = 2 * EXTRACTION_PROCESSES;
