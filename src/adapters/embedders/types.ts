/**
 * Turns texts into vectors. The pipeline and `search` see only this; the embedded hashing embedder,
 * OpenAI and Azure OpenAI sit behind it.
 */
export interface Embedder {
  /**
   * Names the vector space, e.g. `hashing-v1` or `openai:text-embedding-3-small`. A vector-store collection
   * records it so that vectors from different spaces are never mixed; change it whenever the same text
   * would get a different vector.
   */
  readonly id: string;
  readonly dimension: number;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Texts accepted by `embed` and not yet answered, for an embedder that gathers the calls of many files
   * into one request (see batching-embedder): what waits on it, which the caller keeps bounded.
   */
  readonly backlog?: number;
}
