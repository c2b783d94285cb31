import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { PDFParse, VerbosityLevel } from 'pdf-parse';
import { joinPageTexts } from '../../src/adapters/extraction/text-layer.js';
import type { ExtractionResult, TextExtractor } from '../../src/adapters/extraction/types.js';

/** Extractions by content hash, shared by every test of a process: the sample's PDFs are read many times. */
const extracted = new Map<string, Promise<ExtractionResult>>();

/**
 * A stand-in for the extraction pool, for pipeline tests that are not about extraction: it reads valid PDFs
 * with pdf-parse on the test's own thread, without starting child processes (the pool, started from the
 * sources, cost ~5 s per test file). Not for broken PDFs: the real extractors classify those, in their own
 * tests. The caller keeps it open across runs; `close` does nothing.
 */
export function createInProcessExtractor(): TextExtractor {
  return {
    name: 'pdf-parse',
    async extract(path) {
      const bytes = await fs.readFile(path);
      const key = createHash('sha256').update(bytes).digest('hex');
      let result = extracted.get(key);
      if (!result) extracted.set(key, (result = parse(bytes)));
      return result;
    },
    close: async () => undefined,
  };
}

async function parse(bytes: Buffer): Promise<ExtractionResult> {
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: VerbosityLevel.ERRORS });
  try {
    const result = await parser.getText();
    const pageTexts = result.pages.map((page) => page.text);
    return { ok: true, text: joinPageTexts(pageTexts), pages: result.total, pageTexts };
  } catch (error) {
    return {
      ok: false,
      outcome: 'corrupt',
      message: `(in-process test extractor) ${(error as Error).message}`,
    };
  } finally {
    await parser.destroy().catch(() => undefined);
  }
}
