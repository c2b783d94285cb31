import { ExitCode, UserError } from '../../errors.js';

export interface EmbeddingSpace {
  embedderId: string;
  dimension: number;
}

/**
 * Refuses to mix vectors from two embedders (or two dimensions) in one collection: the distances between
 * them would be meaningless and search would silently return noise.
 */
export class IncompatibleCollectionError extends UserError {
  constructor(
    readonly collection: string,
    readonly existing: EmbeddingSpace,
    readonly requested: EmbeddingSpace,
  ) {
    super(
      `Collection "${collection}" holds vectors from embedder ${existing.embedderId} ` +
        `(dimension ${existing.dimension}); refusing to use it with embedder ${requested.embedderId} ` +
        `(dimension ${requested.dimension}).`,
      ExitCode.Usage,
      `Use the embedder that filled it, or choose another collection with --collection.`,
    );
    this.name = 'IncompatibleCollectionError';
  }
}
