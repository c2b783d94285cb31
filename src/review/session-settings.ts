import type { BatchUpload, ProcessingType } from '../db/schema.js';
import type { MatchThresholds } from '../ingest/types.js';

/** The settings a session ran with, so that settling its reviews stores documents the same way. */
export interface SessionSettings {
  processingType: ProcessingType;
  chunkSize: number;
  chunkOverlap: number;
  embedBatchSize: number;
  collection: string;
  thresholds: MatchThresholds;
}

const DEFAULTS = {
  chunkSize: 1000,
  chunkOverlap: 200,
  embedBatchSize: 256,
  collection: 'medical_documents',
  thresholds: { auto: 0.95, review: 0.6 },
};

export function readSessionSettings(
  session: Pick<BatchUpload, 'processingType' | 'optionsJson'>,
): SessionSettings {
  let options: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(session.optionsJson);
    if (parsed && typeof parsed === 'object') options = parsed as Record<string, unknown>;
  } catch {
    // A hand-edited or truncated options column falls back to the defaults.
  }
  const thresholds = options.thresholds as Partial<MatchThresholds> | undefined;
  return {
    processingType: session.processingType,
    chunkSize: positiveNumber(options.chunk_size) ?? DEFAULTS.chunkSize,
    chunkOverlap: nonNegativeNumber(options.chunk_overlap) ?? DEFAULTS.chunkOverlap,
    embedBatchSize: positiveNumber(options.embed_batch_size) ?? DEFAULTS.embedBatchSize,
    collection:
      typeof options.collection === 'string' && options.collection ? options.collection : DEFAULTS.collection,
    thresholds: {
      auto: nonNegativeNumber(thresholds?.auto) ?? DEFAULTS.thresholds.auto,
      review: nonNegativeNumber(thresholds?.review) ?? DEFAULTS.thresholds.review,
    },
  };
}

function positiveNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function nonNegativeNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}
