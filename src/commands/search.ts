import { DOCUMENT_TYPES } from '../core/filename/types.js';
import { ExitCode, UserError } from '../errors.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { withDatabase, type DatabaseOptions } from './shared/database.js';
import { openSearchAdapters } from './shared/adapters.js';
import { loadBackendConfig, type BackendFlags } from '../config/load-config.js';
import { processIo, writeJson, writeLine, type CommandIo } from './shared/io.js';

export interface SearchOptions extends DatabaseOptions, BackendFlags {
  text: string;
  patient?: string;
  type?: string;
  k: string;
  collection?: string;
  json?: boolean;
  io?: CommandIo;
}

/** Nearest chunks to the query text, with the same embedder that filled the collection. */
export async function searchCommand(options: SearchOptions): Promise<number> {
  const io = options.io ?? processIo;
  const k = Number(options.k);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new UserError('-k must be a whole number from 1 to 100', ExitCode.Usage);
  if (!options.text.trim()) throw new UserError('give the text to search for', ExitCode.Usage);
  if (options.type && !(DOCUMENT_TYPES as readonly string[]).includes(options.type)) {
    throw new UserError(`--type must be one of ${DOCUMENT_TYPES.join(', ')}`, ExitCode.Usage);
  }
  const backends = await loadBackendConfig(options);
  const hits = await withDatabase({ ...options, db: backends.db }, async (database) => {
    const { embedder, vectorStore, collection } = await openSearchAdapters({ database, backends });
    try {
      await vectorStore.ensureCollection({ name: collection, embedderId: embedder.id, dimension: embedder.dimension });
      const [vector] = await embedder.embed([options.text]);
      return await vectorStore.query(vector!, {
        k,
        where: {
          ...(options.patient ? { expediente: options.patient.trim() } : {}),
          ...(options.type ? { document_type: options.type } : {}),
        },
      });
    } finally {
      await vectorStore.close();
    }
  });
  if (options.json) {
    writeJson(io, {
      query: options.text,
      results: hits.map((h) => ({ id: h.id, distance: h.distance, metadata: h.metadata, text: h.document })),
    });
  } else if (hits.length === 0) {
    writeLine(io.stdout, 'No matching chunks.');
  } else {
    hits.forEach((hit, i) => {
      const m = hit.metadata;
      writeLine(
        io.stdout,
        `${i + 1}. ${sanitizeForTerminal(String(m.source_filename))} · expediente ${sanitizeForTerminal(String(m.expediente))} · ` +
          `${sanitizeForTerminal(String(m.document_type))} · chunk ${Number(m.chunk_index) + 1}/${m.total_chunks} · distance ${hit.distance.toFixed(3)}`,
      );
      const excerpt = hit.document.replace(/\s+/g, ' ').slice(0, 240);
      writeLine(io.stdout, `   ${sanitizeForTerminal(excerpt)}${hit.document.length > 240 ? '…' : ''}`);
    });
  }
  return ExitCode.Success;
}
