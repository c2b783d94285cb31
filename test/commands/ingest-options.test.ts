import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveIngestOptions } from '../../src/commands/ingest-options.js';
import { UsageError } from '../../src/errors.js';

const base = { dir: 'drop', cwd: '/tmp', user: 'test' };

describe('ingest options', () => {
  it('keeps twice as many files in flight as extraction processes, and writes 32 files a group', () => {
    const options = resolveIngestOptions(base);
    expect(options.concurrency).toBe(2 * Math.min(os.availableParallelism(), 10));
    expect(options.storeBatchSize).toBe(32);
    expect(options.extractor).toBe('pdfium');
  });

  it('takes --store-batch-size and --concurrency as given', () => {
    const options = resolveIngestOptions({ ...base, storeBatchSize: '200', concurrency: '3' });
    expect(options.storeBatchSize).toBe(200);
    expect(options.concurrency).toBe(3);
  });

  it('trusts content only when asked: the flag over the config file, off by default', () => {
    expect(resolveIngestOptions(base).trustContent).toBe(false);
    expect(resolveIngestOptions({ ...base, trustContentConfig: true }).trustContent).toBe(true);
    expect(resolveIngestOptions({ ...base, trustContent: true }).trustContent).toBe(true);
    expect(
      resolveIngestOptions({ ...base, trustContent: false, trustContentConfig: true }).trustContent,
    ).toBe(false);
  });

  it.each([
    [{ storeBatchSize: '0' }, '--store-batch-size must be a whole number from 1 to 1000; got 0'],
    [{ storeBatchSize: 'many' }, '--store-batch-size must be a whole number'],
    [{ storeBatchSize: '2.5' }, '--store-batch-size must be a whole number'],
    [{ storeBatchSize: '5000' }, '--store-batch-size must be a whole number from 1 to 1000; got 5000'],
    [{ concurrency: '0' }, '--concurrency must be a whole number from 1 to 64; got 0'],
    [{ extractor: 'tika' }, '--extractor must be one of pdf-parse, pdfium, pdftotext'],
  ])('refuses %o with a usage error that names the flag', (flags, message) => {
    let error: unknown;
    try {
      resolveIngestOptions({ ...base, ...flags });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});
