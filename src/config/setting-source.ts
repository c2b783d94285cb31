import type { BackendConfig } from './load-config.js';

export type SourcedSetting = keyof BackendConfig['sources'];

/** The flag and the environment variable of each top-level setting (the config key is the setting's name). */
export const SETTING_NAMES: Record<SourcedSetting, Record<'flag' | 'env', string>> = {
  db: { flag: '--db', env: 'TECSALUD_DB' },
  vectorStore: { flag: '--vector-store', env: 'TECSALUD_VECTOR_STORE' },
  collection: { flag: '--collection', env: 'TECSALUD_COLLECTION' },
  chromaUrl: { flag: '--chroma-url', env: 'CHROMA_URL' },
  embedder: { flag: '--embedder', env: 'TECSALUD_EMBEDDER' },
  embeddingModel: { flag: '--embedding-model', env: 'TECSALUD_EMBEDDING_MODEL' },
};

/**
 * The one place the database setting was written, for a hint that says which to change: `--db`,
 * `TECSALUD_DB` or `the config file's db (FILE)`. Undefined when none was (the default): then any of them is
 * the place to write one.
 */
export function databaseSettingOf(
  config: Pick<BackendConfig, 'sources' | 'file'> | null,
  flag: string | undefined,
): string | undefined {
  if (config === null) return flag === undefined ? undefined : SETTING_NAMES.db.flag;
  const source = config.sources.db;
  if (source === 'flag' || source === 'env') return SETTING_NAMES.db[source];
  if (source === 'file') return `the config file's db (${config.file})`;
  return undefined;
}
