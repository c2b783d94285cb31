import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/ingest-fixture.js';

const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfigFile: path.join(REPO_ROOT, 'test/eslint.config.js'),
});

/** The layer-rule messages ESLint gives a file at `file` (relative to the repository) holding `code`. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: path.join(REPO_ROOT, file) });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('the layer map, enforced by lint', () => {
  it.each([
    ['src/core/pipeline/x.ts', "import type { Patient } from '../../db/schema.js';"],
    ['src/core/x.ts', "import fs from 'node:fs';"],
    ['src/core/matching/x.ts', "import { Kysely } from 'kysely';"],
    ['src/core/text/x.ts', "import { UsageError } from '../../errors.js';"],
    ['src/db/x.ts', "import { createHashingEmbedder } from '../adapters/embedders/hashing-embedder.js';"],
    ['src/adapters/embedders/x.ts', "import { openDatabase } from '../../db/open-database.js';"],
    [
      'src/ingest/x.ts',
      "import { createPdfParseExtractor } from '../adapters/extraction/pdf-parse-extractor.js';",
    ],
    ['src/ingest/x.ts', "import { ReviewService } from '../review/review-service.js';"],
    ['src/review/x.ts', "import { runIngest } from '../ingest/run-ingest.js';"],
    ['src/ui/x.ts', "import { openDatabase } from '../db/open-database.js';"],
    ['src/ui/x.ts', "const m = await import('../db/open-database.js');"],
    ['src/ui/review/x.tsx', "import type { ReviewCase } from '../../review/types.js';"],
    ['src/ui/x.ts', "import { openSearchAdapters } from '../app/open-backends.js';"],
    ['src/app/x.ts', "import { renderReview } from '../ui/render-review.js';"],
    ['src/commands/x.ts', "import { openDatabase } from '../db/open-database.js';"],
    ['src/commands/patients/x.ts', "const { runIngest } = await import('../../ingest/run-ingest.js');"],
  ])('refuses, in %s: %s', async (file, code) => {
    expect(await layerErrors(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'src/core/pipeline/x.ts',
      "import { createHash } from 'node:crypto';\nimport type { ParsedFilename } from '../filename/types.js';",
    ],
    ['src/db/x.ts', "import { matchPatient } from '../core/matching/match-patient.js';"],
    [
      'src/ingest/x.ts',
      "import type { TextExtractor } from '../adapters/extraction/types.js';\nimport { storeDocument } from '../documents/store-document.js';",
    ],
    ['src/review/x.ts', "import { PatientRepository } from '../db/repositories/patient-repository.js';"],
    [
      'src/ui/review/x.tsx',
      "import { CandidateList } from './candidate-list.js';\nimport type { ReviewWalk } from '../../app/review-walk.js';",
    ],
    [
      'src/app/x.ts',
      "import { runIngest } from '../ingest/run-ingest.js';\nconst m = await import('../adapters/extraction/index.js');",
    ],
    [
      'src/commands/x.ts',
      "import type { OpenDatabase } from '../db/open-database.js';\nconst app = await import('../app/patients.js');",
    ],
  ])('allows, in %s: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
