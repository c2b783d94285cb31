/** Native output sizes of OpenAI's embedding models; other models' sizes are read from a first call. */
export const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** Only the v3 models accept a `dimensions` parameter (shortened vectors). */
export function acceptsDimensions(model: string): boolean {
  return model.startsWith('text-embedding-3');
}

/**
 * The embedder id names the vector space, not the endpoint: the same model on OpenAI and on Azure gives
 * the same vectors, and a shortened output (`dimensions`) is another space.
 */
export function embeddingSpaceId(model: string, dimensions: number | undefined): string {
  const native = KNOWN_DIMENSIONS[model];
  return dimensions !== undefined && dimensions !== native
    ? `openai:${model}@${dimensions}`
    : `openai:${model}`;
}
