import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importRegistry } from '../../../src/app/import-registry.js';
import { ingest } from '../../../src/commands/ingest.js';
import { resolveDatabaseTarget } from '../../../src/db/database-url.js';
import { openDatabase, type OpenDatabase } from '../../../src/db/open-database.js';
import { commandContext } from '../../support/command-context.js';
import { createInProcessExtractor } from '../../support/in-process-extractor.js';
import { createTempDir } from '../../support/databases.js';
import { copyDelivered } from '../../support/delivered-files.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SAMPLE_DIR = path.join(ROOT, 'fixtures/sample');
export const REGISTRY_CSV = path.join(ROOT, 'fixtures/registry.csv');

/** The two sample files that end in review. */
export const ID_CONFLICT_FILE = '3000576011_BONILLA SEPÚLVEDA, ADRIANA_6888240511_LAB.pdf';
export const NAME_ONLY_FILE = '3000312954_MARTÍNEZ MEJÍA, FRANCISCO JAVIER_EMER.pdf';

export interface IngestedSample {
  /** A SQLite file holding the registry and the ingested sample (copy it before writing). */
  templateDb: string;
  sourceDir: string;
  cleanup(): void;
}

/** Imports fixtures/registry.csv and ingests a copy of fixtures/sample, --non-interactive. */
export async function ingestSample(): Promise<IngestedSample> {
  const dir = createTempDir('tecsalud-review-');
  const sourceDir = path.join(dir, 'sample');
  copyDelivered(SAMPLE_DIR, sourceDir);
  const templateDb = path.join(dir, 'template.db');
  await importRegistry({ file: REGISTRY_CSV, db: templateDb, cwd: dir });
  const context = await commandContext({ cwd: dir, db: templateDb, extractor: createInProcessExtractor() });
  await ingest(sourceDir, { nonInteractive: true, json: true }, context);
  return { templateDb, sourceDir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface DatabaseCopy {
  url: string;
  open(): Promise<OpenDatabase>;
  cleanup(): void;
}

/** A private copy of the template database for one test. */
export function copyDatabase(templateDb: string): DatabaseCopy {
  const dir = createTempDir('tecsalud-review-db-');
  const url = path.join(dir, 'registry.db');
  fs.copyFileSync(templateDb, url);
  return {
    url,
    open: () => openDatabase(resolveDatabaseTarget(url, { cwd: dir })),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
