export interface RequestLimits {
  /** Inputs per request (OpenAI: 2048). */
  maxInputs: number;
  /** Estimated tokens per request (OpenAI: 300,000). */
  maxTokens: number;
  /** Estimated tokens per input (OpenAI's v3 models: 8,191). */
  maxInputTokens: number;
}

export const OPENAI_LIMITS: RequestLimits = { maxInputs: 2048, maxTokens: 300_000, maxInputTokens: 8191 };

/**
 * A deliberately high estimate (Spanish clinical text runs near four characters a token; three leaves
 * room for numbers and codes), so that a request planned under the limits is never refused for size.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3) + 1;
}

/** Splits texts (in order) into requests within the limits; each request is a [start, end) range. */
export function planRequests(texts: readonly string[], limits: RequestLimits): Array<[number, number]> {
  const plan: Array<[number, number]> = [];
  let start = 0;
  let tokens = 0;
  texts.forEach((text, i) => {
    const estimate = estimateTokens(text);
    if (estimate > limits.maxInputTokens) {
      throw new RangeError(
        `a chunk of ${text.length} characters is longer than the embedding model accepts ` +
          `(about ${limits.maxInputTokens} tokens); lower --chunk-size`,
      );
    }
    if (i > start && (i - start >= limits.maxInputs || tokens + estimate > limits.maxTokens)) {
      plan.push([start, i]);
      start = i;
      tokens = 0;
    }
    tokens += estimate;
  });
  if (texts.length > start) plan.push([start, texts.length]);
  return plan;
}
