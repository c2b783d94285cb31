import { DEFAULT_THRESHOLDS } from '../core/matching/thresholds.js';
import type { MatchThresholds } from '../core/matching/types.js';
import {
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_COLLECTION,
  DEFAULT_EMBED_BATCH_SIZE,
} from '../core/pipeline/defaults.js';
import type { BatchUpload, ProcessingType } from '../db/schema.js';
import { readSessionOptions } from '../db/session-options.js';

/** The settings a session ran with, so that settling its reviews stores documents the same way. */
export interface SessionSettings {
  processingType: ProcessingType;
  chunkSize: number;
  chunkOverlap: number;
  embedBatchSize: number;
  collection: string;
  thresholds: MatchThresholds;
}

export function readSessionSettings(
  session: Pick<BatchUpload, 'processingType' | 'optionsJson'>,
): SessionSettings {
  const options = readSessionOptions(session.optionsJson);
  return {
    processingType: session.processingType,
    chunkSize: options.chunk_size ?? DEFAULT_CHUNK_SIZE,
    chunkOverlap: options.chunk_overlap ?? DEFAULT_CHUNK_OVERLAP,
    embedBatchSize: options.embed_batch_size ?? DEFAULT_EMBED_BATCH_SIZE,
    collection: options.collection ?? DEFAULT_COLLECTION,
    thresholds: options.thresholds ?? DEFAULT_THRESHOLDS,
  };
}
