import { IncompatibleCollectionError, type VectorQueryResult } from '../adapters/vector-stores/types.js';
import type { BackendConfig } from '../config/load-config.js';
import { parseFilename } from '../core/filename/parse-filename.js';
import { formatPatientName } from '../core/registry/patient-name.js';
import { sanitizeForTerminal } from '../core/text/sanitize-for-terminal.js';
import { DocumentRepository, type DocumentOwner } from '../db/repositories/document-repository.js';
import { PatientRepository } from '../db/repositories/patient-repository.js';
import { UsageError } from '../errors.js';
import { openSearchAdapters } from './open-backends.js';
import { withRegistry, type RegistryLocation } from './open-registry.js';

export interface ChunkQuery {
  text: string;
  k: number;
  /** Only this expediente's chunks. */
  expediente?: string;
  documentType?: string;
}

export interface ChunkSearch {
  /** The nearest chunks whose document the registry files under the patient their metadata names. */
  hits: SearchHit[];
  /** The documents of the other chunks found, left out: one entry per document. */
  leftOut: LeftOutDocument[];
}

/**
 * A chunk found, with whose its document is as the registry says now: what search shows. The chunk's metadata
 * was written at ingest (and by the last move): its filename names the patient the document came in under.
 */
export interface SearchHit extends VectorQueryResult {
  registry: {
    patientId: string;
    expediente: string;
    patientName: string;
    filename: string;
    /** The expediente the filename names, when it is not the one the registry files the document under (a moved document). */
    filenameExpediente: string | null;
  };
}

/** Chunks the query found whose metadata the registry contradicts: shown, they would be a patient's note under another patient. */
export interface LeftOutDocument {
  documentId: string;
  chunks: number;
  /** The expediente the chunks carry in the vector store. */
  vectorExpediente: string;
  /** The expediente the registry files the document under; null when the registry holds no such document. */
  registryExpediente: string | null;
}

/**
 * Nearest chunks to the text, embedded by the embedder that filled the collection. Only reads: a collection
 * that does not exist is an error naming the ones that do (a mistyped --collection must not come back as
 * "no matching chunks", nor leave an empty collection behind).
 *
 * The registry, not the vector store, says whose a document is: a `documents move` whose vector write failed
 * part way (Chroma timed out after taking the write) leaves chunks naming another patient than the registry
 * does, and `--patient` filters on what the chunks say. Every hit is checked against the registry, and those it
 * contradicts are left out and reported, with the command that brings them in line.
 */
export async function searchChunks(
  location: RegistryLocation,
  backends: BackendConfig,
  query: ChunkQuery,
): Promise<ChunkSearch> {
  return withRegistry(location, async (database) => {
    // An expediente nobody has would come back as "no matching chunks", as if the patient had no such text.
    if (query.expediente && !(await new PatientRepository(database.db).findByExpediente(query.expediente))) {
      throw new UsageError(
        `no patient with expediente ${query.expediente} in the registry`,
        'check the number, or look the patient up: `tecsalud-batch patients search "NAME"`',
      );
    }
    const { embedder, vectorStore, collection } = await openSearchAdapters({ database, backends });
    try {
      const info = await vectorStore.describeCollection();
      if (!info) {
        const existing = await vectorStore.listCollections();
        throw new UsageError(
          `the collection "${collection}" does not exist in the ${backends.vectorStore === 'chroma' ? 'Chroma' : 'embedded'} vector store`,
          existing.length > 0
            ? `the collections there: ${existing.map((name) => `"${name}"`).join(', ')}; choose one with --collection`
            : 'it holds no collection yet: `tecsalud-batch ingest DIR` creates one',
        );
      }
      if (info.embedderId !== embedder.id || info.dimension !== embedder.dimension) {
        throw new IncompatibleCollectionError(collection, info, {
          embedderId: embedder.id,
          dimension: embedder.dimension,
        });
      }
      const [vector] = await embedder.embed([query.text]);
      // The embedded (lexical) embedder leaves out common words: a query of only those is no vector at all,
      // which one store answers with nothing and Chroma with arbitrary chunks at distance 1.
      if (vector!.every((value) => value === 0)) {
        throw new UsageError(
          `the query '${sanitizeForTerminal(query.text.trim())}' has no word to search for: the embedded embedder leaves out common words (de, la, el, y…)`,
          'search for the words the document would contain, e.g. "biometría hemática"',
        );
      }
      const found = await vectorStore.query(vector!, {
        k: query.k,
        where: {
          ...(query.expediente ? { expediente: query.expediente } : {}),
          ...(query.documentType ? { document_type: query.documentType } : {}),
        },
      });
      const owners = await new DocumentRepository(database.db).ownersOf(
        found.map((hit) => String(hit.metadata.document_id)),
      );
      return setAsideContradictedHits(found, owners);
    } finally {
      await vectorStore.close();
    }
  });
}

/** Splits the hits into those the registry agrees with and, per document, those it contradicts. */
export function setAsideContradictedHits(
  found: VectorQueryResult[],
  owners: Map<string, DocumentOwner>,
): ChunkSearch {
  const hits: SearchHit[] = [];
  const leftOut = new Map<string, LeftOutDocument>();
  for (const hit of found) {
    const documentId = String(hit.metadata.document_id);
    const owner = owners.get(documentId);
    if (
      owner &&
      owner.patientId === hit.metadata.patient_id &&
      owner.expediente === hit.metadata.expediente
    ) {
      hits.push({ ...hit, registry: registryView(owner) });
      continue;
    }
    const entry = leftOut.get(documentId) ?? {
      documentId,
      chunks: 0,
      vectorExpediente: String(hit.metadata.expediente),
      registryExpediente: owner?.expediente ?? null,
    };
    entry.chunks++;
    leftOut.set(documentId, entry);
  }
  return { hits, leftOut: [...leftOut.values()] };
}

function registryView(owner: DocumentOwner): SearchHit['registry'] {
  const parsed = parseFilename(owner.filename);
  const named = parsed.ok ? parsed.parsed.expediente : null;
  return {
    patientId: owner.patientId,
    expediente: owner.expediente,
    patientName: formatPatientName(owner.name),
    filename: owner.filename,
    filenameExpediente: named !== null && named !== owner.expediente ? named : null,
  };
}
