import { describeError } from '../../../core/text/describe-error.js';
import { describeUnreachable, unreachableCode } from '../../../core/text/network-error-code.js';
import { setMaxListeners } from 'node:events';
import type OpenAI from 'openai';
import PQueue from 'p-queue';

import { ServiceUnavailableError, UserError, ExitCode } from '../../../errors.js';
import type { Embedder } from '../types.js';
import { acceptsDimensions, embeddingSpaceId, KNOWN_DIMENSIONS } from './known-models.js';
import { OPENAI_LIMITS, planRequests, type RequestLimits } from './plan-requests.js';
import { retryAfterMs, retryDelayMs, type BackoffOptions } from './retry-delay.js';

export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small';
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export type OpenAiConnection =
  | { provider: 'openai'; apiKey: string; baseUrl?: string }
  | { provider: 'azure'; endpoint: string; apiKey: string; deployment: string; apiVersion?: string };

export interface OpenAiEmbedderOptions {
  connection: OpenAiConnection;
  /** The model (on Azure: the model behind the deployment; default: the deployment's name). */
  model?: string;
  /** Shortened output (v3 models), or the size of an unlisted model's vectors. */
  dimensions?: number;
  /** Requests in flight at once, across every caller of this embedder (default 4). */
  maxInFlight?: number;
  /** Retries after the first attempt, on 429, 5xx and dropped connections (default 6). */
  maxRetries?: number;
  backoff?: BackoffOptions;
  /** Per request (default 60 s). A request that times out is tried once more at most. */
  timeoutMs?: number;
  limits?: Partial<RequestLimits>;
  /** Injected in tests to record the waits instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };
export const DEFAULT_EMBEDDING_TIMEOUT_MS = 60_000;
/** Attempts that may time out before the service counts as down (a hung server must not cost 7 × 60 s). */
const MAX_TIMEOUTS = 2;

/**
 * Thrown when one request's texts cannot be embedded (its input refused, a 5xx or 429 that outlived the
 * retries, a malformed answer): the pipeline records it against the files of that request, and the batch
 * goes on. A service that is down throws ServiceUnavailableError instead, which stops the run.
 */
export class EmbeddingError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.ServiceUnavailable, hint);
    this.name = 'EmbeddingError';
  }
}

/**
 * Embeddings from OpenAI, Azure OpenAI or a compatible server (vLLM, Ollama) through the `openai`
 * package. The SDK's own retries are off: ours honour Retry-After, add jitter and are bounded in count
 * and in each wait, so a batch cannot hang on a throttled service.
 */
export async function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Promise<Embedder> {
  const { client, isTimeout, isConnectionLost } = await createClient(options);
  const { connection } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS;
  const model =
    options.model ?? (connection.provider === 'azure' ? connection.deployment : DEFAULT_EMBEDDING_MODEL);
  const limits = { ...OPENAI_LIMITS, ...options.limits };
  const maxRetries = options.maxRetries ?? 6;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const queue = new PQueue({ concurrency: options.maxInFlight ?? 4 });
  const where = describeEndpoint(connection);
  const sendDimensions = options.dimensions !== undefined && acceptsDimensions(model);

  /**
   * Once a request finds the service down, the requests that were already waiting or in flight fail with
   * the same error at once instead of each waiting out its own timeouts; requests made later (a
   * long-lived process after the outage) try again.
   */
  let outages = 0;
  let lastOutage: ServiceUnavailableError | null = null;
  let inFlight = sharedController();
  const outageSince = (seen: number) => (outages > seen ? lastOutage : null);

  const request = async (input: string[], seen: number): Promise<Float32Array[]> => {
    let timeouts = 0;
    let connectionsLost = 0;
    for (let attempt = 0; ; attempt++) {
      const early = outageSince(seen);
      if (early) throw early;
      try {
        const response = await client.embeddings.create(
          {
            model,
            // Empty strings are refused by the API; a space embeds as "nothing".
            input: input.map((text) => (text.trim() === '' ? ' ' : text)),
            encoding_format: 'float',
            ...(sendDimensions ? { dimensions: options.dimensions } : {}),
          },
          { signal: inFlight.signal },
        );
        return readVectors(response, input.length, where);
      } catch (error) {
        if (error instanceof EmbeddingError) throw error;
        const cut = outageSince(seen);
        if (cut) throw cut;
        const timedOut = isTimeout(error);
        if (timedOut) timeouts++;
        else if (isConnectionLost(error)) connectionsLost++;
        const down = serviceDown(error, where, {
          timedOut,
          timeoutMs,
          timeouts,
          connectionsLost,
          attempts: attempt + 1,
          retriesLeft: attempt < maxRetries,
        });
        if (down) {
          lastOutage = down;
          outages++;
          const stopping = inFlight;
          inFlight = sharedController();
          stopping.abort(down);
          throw down;
        }
        const status = (error as { status?: number }).status;
        const transient =
          status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
        if (!transient) throw permanentFailure(error, status, where);
        if (attempt >= maxRetries) {
          throw new EmbeddingError(
            `the embeddings service at ${where} still failed after ${maxRetries + 1} attempts: ${describe(error)}`,
            status === 429
              ? 'the service is throttling: lower --concurrency, or raise the deployment quota'
              : undefined,
          );
        }
        const headers = (error as { headers?: { get(name: string): string | null } }).headers;
        await sleep(retryDelayMs(attempt + 1, retryAfterMs(headers), backoff));
      }
    }
  };

  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    if (texts.length === 0) return [];
    const plan = planRequests(texts, limits);
    const parts = await Promise.all(
      plan.map(([start, end]) => {
        const seen = outages;
        return queue.add(() => request(texts.slice(start, end), seen));
      }),
    );
    const vectors = parts.flat();
    for (const vector of vectors) {
      if (dimension !== 0 && vector.length !== dimension) {
        throw new EmbeddingError(
          `the embeddings service at ${where} returned ${vector.length}-dimensional vectors; expected ${dimension} for ${model}`,
          // An Azure deployment's name says nothing of its model: shortened vectors are asked for only once it is named.
          connection.provider === 'azure' && options.model === undefined
            ? 'name the model behind the deployment with --embedding-model (e.g. text-embedding-3-large): shortened ' +
                'vectors are asked for only from a text-embedding-3 model; or set --embedding-dimensions to the size it returns'
            : 'set --embedding-dimensions to the model’s size, or use another collection',
        );
      }
    }
    return vectors;
  };

  let dimension = options.dimensions ?? KNOWN_DIMENSIONS[model] ?? 0;
  if (dimension === 0) {
    // An unlisted model (a local server's): its size is whatever it answers.
    const [probe] = await request(['dimension probe'], outages);
    dimension = probe?.length ?? 0;
  }
  return { id: embeddingSpaceId(model, options.dimensions), dimension, embed };
}

async function createClient(options: OpenAiEmbedderOptions): Promise<{
  client: OpenAI;
  isTimeout: (error: unknown) => boolean;
  isConnectionLost: (error: unknown) => boolean;
}> {
  const {
    default: OpenAIClient,
    AzureOpenAI,
    APIConnectionError,
    APIConnectionTimeoutError,
  } = await import('openai');
  const isTimeout = (error: unknown) => error instanceof APIConnectionTimeoutError;
  // No HTTP answer at all: the connection was cut (reset, hang-up) before a response came.
  const isConnectionLost = (error: unknown) =>
    error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError);
  const common = { maxRetries: 0, timeout: options.timeoutMs ?? DEFAULT_EMBEDDING_TIMEOUT_MS };
  const { connection } = options;
  if (connection.provider === 'azure') {
    const client = new AzureOpenAI({
      // Not undefined: the package would read OPENAI_BASE_URL (meant for --embedder openai) and refuse it
      // beside the endpoint, an internal error on a server whose environment has both.
      baseURL: null,
      endpoint: connection.endpoint,
      apiKey: connection.apiKey,
      deployment: connection.deployment,
      apiVersion: connection.apiVersion ?? DEFAULT_AZURE_API_VERSION,
      ...common,
    });
    return { client, isTimeout, isConnectionLost };
  }
  return {
    client: new OpenAIClient({ apiKey: connection.apiKey, baseURL: connection.baseUrl, ...common }),
    isTimeout,
    isConnectionLost,
  };
}

/**
 * The service is down, not this request at fault: it cannot be reached (refused, DNS, TLS), it refuses our
 * key (401/403), or it timed out again. Retrying would only delay the stop (an unreachable server used to
 * cost seven attempts and 20-30 s per request before an unexplained "Connection error.").
 */
function serviceDown(
  error: unknown,
  where: string,
  state: {
    timedOut: boolean;
    timeoutMs: number;
    timeouts: number;
    connectionsLost: number;
    attempts: number;
    retriesLeft: boolean;
  },
): ServiceUnavailableError | null {
  const code = unreachableCode(error);
  if (code) {
    return new ServiceUnavailableError(
      `cannot reach the embeddings service at ${where}: ${describeUnreachable(code)}`,
      'check that the service is running and its address: OPENAI_BASE_URL / AZURE_OPENAI_ENDPOINT ' +
        '(or openai.baseUrl / azure.endpoint in the config file)',
    );
  }
  const status = (error as { status?: number }).status;
  if (status === 401 || status === 403) {
    return new ServiceUnavailableError(
      `the embeddings service at ${where} refused the API key (HTTP ${status})`,
      'check OPENAI_API_KEY / AZURE_OPENAI_API_KEY (or openai.apiKey / azure.apiKey in the config file)',
    );
  }
  if (state.timedOut && (state.timeouts >= MAX_TIMEOUTS || !state.retriesLeft)) {
    const seconds = Math.round(state.timeoutMs / 100) / 10;
    return new ServiceUnavailableError(
      `the embeddings service at ${where} did not answer within ${seconds} s` +
        (state.timeouts > 1 ? ` (${state.timeouts} attempts)` : ''),
      'check that the service is up; if it is only slow, raise embedding.timeoutSeconds (or TECSALUD_EMBEDDING_TIMEOUT)',
    );
  }
  // Every attempt cut before an answer: no one input's fault (that is a 4xx or a 5xx), the service or the way
  // to it is down, as with repeated timeouts. Failing each file instead would fail the whole batch one by one.
  if (!state.retriesLeft && state.connectionsLost === state.attempts) {
    return new ServiceUnavailableError(
      `the embeddings service at ${where} cut the connection before answering (${state.attempts} attempts)`,
      'check that the service is up, and any proxy or firewall on the way to it',
    );
  }
  return null;
}

function readVectors(response: unknown, expected: number, where: string): Float32Array[] {
  const data = (response as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== expected) {
    throw new EmbeddingError(
      `the embeddings service at ${where} sent a malformed response ` +
        `(${Array.isArray(data) ? `${data.length} embeddings for ${expected} texts` : 'no data array'})`,
    );
  }
  const vectors: Float32Array[] = new Array<Float32Array>(expected);
  data.forEach((item: { index?: unknown; embedding?: unknown }, position) => {
    const index = typeof item?.index === 'number' ? item.index : position;
    const embedding = item?.embedding;
    if (
      !Array.isArray(embedding) ||
      embedding.length === 0 ||
      !embedding.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
      index < 0 ||
      index >= expected ||
      vectors[index]
    ) {
      throw new EmbeddingError(
        `the embeddings service at ${where} sent a malformed embedding (item ${position})`,
      );
    }
    vectors[index] = Float32Array.from(embedding as number[]);
  });
  const length = vectors[0]!.length;
  if (vectors.some((v) => v.length !== length)) {
    throw new EmbeddingError(
      `the embeddings service at ${where} sent vectors of different lengths in one response`,
    );
  }
  return vectors;
}

function permanentFailure(error: unknown, status: number | undefined, where: string): UserError {
  if (status === 404) {
    return new UserError(
      `the embeddings service at ${where} does not know this model or deployment (HTTP 404): ${describe(error)}`,
      ExitCode.Usage,
      'check --embedding-model, or the Azure deployment name and api-version',
    );
  }
  return new EmbeddingError(`the embeddings service at ${where} refused the request: ${describe(error)}`);
}

/** Where requests go, without credentials. */
function describeEndpoint(connection: OpenAiConnection): string {
  if (connection.provider === 'azure') return `${connection.endpoint} (deployment ${connection.deployment})`;
  return connection.baseUrl ?? 'https://api.openai.com/v1';
}

/** The first line of the error's message: SDK errors append a body that would flood the terminal. */
function describe(error: unknown): string {
  return describeError(error).split('\n')[0] || (error as Error).name;
}

/**
 * One signal that every request in flight listens to (to stop them all when the service is found down):
 * as many listeners as requests at once, which is no leak, so Node's warning past 10 is turned off.
 */
function sharedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
