import { randomBytes } from 'node:crypto';

import { retryWhileChromaLocked } from '../../src/adapters/vector-stores/chroma/chroma-fetch.js';
import { createChromaStore } from '../../src/adapters/vector-stores/chroma/chroma-store.js';
import { parseChromaUrl } from '../../src/adapters/vector-stores/chroma/chroma-url.js';

/**
 * Chroma for the vector-store suites: `.ci/services.sh` starts a server and exports
 * TECSALUD_TEST_CHROMA. In CI the suites must run there, so a missing URL is an error, not a skip.
 */
export const CHROMA_URL_VARIABLE = 'TECSALUD_TEST_CHROMA';

export function chromaTestUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[CHROMA_URL_VARIABLE]?.trim() || undefined;
}

export function chromaWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return chromaTestUrl(env) !== undefined || Boolean(env.CI);
}

export function requireChromaUrl(): string {
  const url = chromaTestUrl();
  if (!url) {
    throw new Error(
      `${CHROMA_URL_VARIABLE} is not set: in CI the Chroma suites must run (source .ci/services.sh first)`,
    );
  }
  return url;
}

/**
 * A new, empty Chroma database (within the default tenant), so that tests starting from nothing can
 * share one server and run in parallel. Returns its name and a function that deletes it.
 */
export async function createScratchChromaDatabase(): Promise<{
  url: string;
  database: string;
  drop(): Promise<void>;
}> {
  const url = requireChromaUrl();
  const { AdminClient } = await import('chromadb');
  const admin = new AdminClient(parseChromaUrl(url));
  const database = `tecsalud_t_${randomBytes(6).toString('hex')}`;
  // Test processes creating and dropping databases at once collide in Chroma's catalogue: a few more tries
  // than a run's requests get, as every test file does this.
  await retryWhileChromaLocked(() => admin.createDatabase({ name: database, tenant: 'default_tenant' }), 6);
  return {
    url,
    database,
    drop: async () => {
      await retryWhileChromaLocked(
        () => admin.deleteDatabase({ name: database, tenant: 'default_tenant' }),
        6,
      );
    },
  };
}

/** The chunks a Chroma database's collection holds for one document (as the store reads them back). */
export async function chromaVectorsOf(
  chroma: { url: string; database: string },
  documentId: string,
  collection = 'medical_documents',
) {
  const store = await createChromaStore({ url: chroma.url, database: chroma.database, collection });
  try {
    return await store.readDocument(documentId);
  } finally {
    await store.close();
  }
}
