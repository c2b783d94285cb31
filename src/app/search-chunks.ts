import { nearestOf } from '../adapters/vector-stores/nearest-of.js';
import {
  IncompatibleCollectionError,
  type VectorQueryFilter,
  type VectorQueryResult,
} from '../adapters/vector-stores/types.js';
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
  /** The nearest chunks whose document the registry holds (under the patient asked for, if one was). */
  hits: SearchHit[];
  /** The documents of the other chunks found, left out: one entry per document. */
  leftOut: LeftOutDocument[];
  /**
   * Documents shown whose chunks name another patient than the registry does (a move whose vector write
   * failed part way): shown as the registry files them, and reported with the command that brings them in line.
   */
  outOfLine: ChunksElsewhere[];
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

/** The chunks found of one document whose expediente in the vector store is not the registry's. */
export interface ChunksElsewhere {
  documentId: string;
  chunks: number;
  /** The expediente the chunks carry in the vector store. */
  vectorExpediente: string;
  /** The expediente the registry files the document under; null when the registry holds no such document. */
  registryExpediente: string | null;
}

/**
 * Chunks the query found that are not the asked patient's by the registry, or of no document it holds: shown,
 * they would be a patient's note under another patient.
 */
export type LeftOutDocument = ChunksElsewhere;

/**
 * Nearest chunks to the text, embedded by the embedder that filled the collection. Only reads: a collection
 * that does not exist is an error naming the ones that do (a mistyped --collection must not come back as
 * "no matching chunks", nor leave an empty collection behind).
 *
 * The registry, not the vector store, says whose a document is: a `documents move` whose vector write failed
 * part way (Chroma timed out after taking the write) leaves chunks naming another patient than the registry
 * does. `--patient` therefore selects the patient's documents by the registry (and, to report them, the chunks
 * that name the patient too); every hit is checked against the registry and shown as it files the document.
 * Chunks of a document it files under another patient than the one asked for, or not at all, are left out;
 * those it files where asked but whose chunks name another patient are shown and reported as out of line.
 */
/** How much more each widening of the search asks for, and at most how many times. */
const WIDENING = 4;
const MAX_WIDENINGS = 2;

export async function searchChunks(
  location: RegistryLocation,
  backends: BackendConfig,
  query: ChunkQuery,
): Promise<ChunkSearch> {
  return withRegistry(location, async (database) => {
    const patient = query.expediente
      ? await new PatientRepository(database.db).findByExpediente(query.expediente)
      : undefined;
    // An expediente nobody has would come back as "no matching chunks", as if the patient had no such text.
    if (query.expediente && !patient) {
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
      const documents = new DocumentRepository(database.db);
      const byType = query.documentType ? { document_type: query.documentType } : {};
      const nearest = async (where: VectorQueryFilter, k: number) => {
        const answer = await vectorStore.query(vector!, { k, where: { ...byType, ...where } });
        return { answer, exhausted: answer.length < k };
      };
      const patientDocumentIds = patient ? await documents.vectorizedIdsByPatient(patient.id) : [];
      const fetchNearest = async (k: number) => {
        if (!patient) return nearest({}, k);
        const answers = [
          await nearest({ documentIds: patientDocumentIds }, k),
          await nearest({ expediente: patient.expediente }, k),
        ];
        return {
          answer: nearestOf(
            answers.map((a) => a.answer),
            k,
          ),
          exhausted: answers.every((a) => a.exhausted),
        };
      };
      // Chunks left out (another patient's by the registry, or no document's) must not take the places of those
      // shown: `-k 5` with two orphans among the nearest showed 3 hits where 5 existed. The search widens until
      // k are shown or the collection has no more to give, within a few rounds.
      for (let want = query.k; ; want *= WIDENING) {
        const { answer, exhausted } = await fetchNearest(want);
        const owners = await documents.ownersOf(answer.map((hit) => String(hit.metadata.document_id)));
        const search = setAsideContradictedHits(answer, owners, patient?.id ?? null, query.k);
        if (search.hits.length >= query.k || exhausted || want >= query.k * WIDENING ** MAX_WIDENINGS)
          return search;
      }
    } finally {
      await vectorStore.close();
    }
  });
}

/**
 * Splits the hits into those shown (the registry holds their document, under `patientId` when one was asked
 * for) and, per document, those left out; a shown document whose chunks name another patient is out of line.
 */
export function setAsideContradictedHits(
  found: VectorQueryResult[],
  owners: Map<string, DocumentOwner>,
  patientId: string | null = null,
  k = Infinity,
): ChunkSearch {
  const hits: SearchHit[] = [];
  const leftOut = new Map<string, ChunksElsewhere>();
  const outOfLine = new Map<string, ChunksElsewhere>();
  // Nearest first: once k are shown, the farther chunks would not have been, shown or left out.
  for (const hit of found) {
    if (hits.length >= k) break;
    const documentId = String(hit.metadata.document_id);
    const owner = owners.get(documentId);
    const shown = owner !== undefined && (patientId === null || owner.patientId === patientId);
    if (shown) hits.push({ ...hit, registry: registryView(owner) });
    if (shown && owner.patientId === hit.metadata.patient_id && owner.expediente === hit.metadata.expediente)
      continue;
    const documents = shown ? outOfLine : leftOut;
    const entry = documents.get(documentId) ?? {
      documentId,
      chunks: 0,
      vectorExpediente: String(hit.metadata.expediente),
      registryExpediente: owner?.expediente ?? null,
    };
    entry.chunks++;
    documents.set(documentId, entry);
  }
  return { hits, leftOut: [...leftOut.values()], outOfLine: [...outOfLine.values()] };
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
