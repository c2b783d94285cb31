import type { AdminClient, ChromaClient } from 'chromadb';
import pRetry from 'p-retry';
import { describeError } from '../../../core/text/describe-error.js';
import { describeUnreachable, unreachableCode } from '../../../core/text/network-error-code.js';

/**
 * The Chroma server cannot serve any request: unreachable, silent past the timeout, refusing our token, a
 * gateway in front of it saying the server behind is gone (502/503/504), or something else than Chroma 1.0+
 * answering at the address (a 404 that is not Chroma's own: Chroma 0.x, which has no API v2, or a web server). Translated by the store into
 * ServiceUnavailableError: the run stops rather than fail every file.
 */
export class ChromaDownError extends Error {
  constructor(
    readonly reason: string,
    readonly kind: 'unreachable' | 'timeout' | 'auth' | 'gateway' | 'not_chroma',
  ) {
    super(reason);
    this.name = 'ChromaDownError';
  }
}

/** The chromadb library's error classes (loaded with it), for the answers it knows how to read. */
type ChromaErrors = Pick<
  typeof import('chromadb'),
  | 'ChromaClientError'
  | 'ChromaNotFoundError'
  | 'ChromaUniqueError'
  | 'ChromaRateLimitError'
  | 'ChromaServerError'
>;

/** The slice of the client's generated HTTP layer (hey-api) whose `fetch` we replace. */
interface HttpLayer {
  setConfig(config: { fetch: (request: Request) => Promise<Response> }): unknown;
}

/**
 * The chromadb client sends every request through its own `fetch` (the library's `chromaFetch`), which has
 * no timeout — a server that accepts and never answers (`kill -STOP`) hangs the caller forever — and turns
 * every transport failure into "Failed to connect", losing whether it was refused, DNS or TLS. This one
 * bounds each request, keeps the reason, and otherwise answers as the library's does (same error classes
 * for 400, 404, 409, 422, 429 and other statuses), so the client's own logic is unchanged.
 */
export function boundChromaRequests(
  client: ChromaClient | AdminClient,
  options: { timeoutMs: number; errors: ChromaErrors },
): void {
  const http = (client as unknown as { apiClient?: HttpLayer }).apiClient;
  if (!http || typeof http.setConfig !== 'function') {
    throw new Error('this chromadb version has no apiClient.setConfig: cannot bound its requests');
  }
  http.setConfig({ fetch: (request) => boundedFetch(request, options) });
}

/**
 * Chroma keeps its catalogue in SQLite and answers 500 "database is locked" when concurrent writers
 * collide there (seen with several clients creating and dropping databases or collections at once). The
 * server rolled that request back, so sending it again is safe; a few tries with backoff (~1.5 s in all)
 * ride out the contention. Any other error is final, and so is a lock that outlasts the tries.
 */
export function retryWhileChromaLocked<T>(work: () => Promise<T>, retries = 4): Promise<T> {
  return pRetry(work, {
    retries,
    minTimeout: 100,
    factor: 2,
    // By name: the chromadb library's own requests (its AdminClient) throw its class, not one we loaded.
    shouldRetry: ({ error }) =>
      error.name === 'ChromaServerError' && /database is locked/i.test(error.message),
  });
}

async function boundedFetch(
  request: Request,
  options: { timeoutMs: number; errors: ChromaErrors },
): Promise<Response> {
  // A request's body can be read once: every attempt sends its own copy.
  return retryWhileChromaLocked(() => fetchOnce(request.clone(), options));
}

async function fetchOnce(
  request: Request,
  { timeoutMs, errors }: { timeoutMs: number; errors: ChromaErrors },
): Promise<Response> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(request, { signal });
  } catch (error) {
    if (signal.aborted) {
      throw new ChromaDownError(`no answer within ${Math.round(timeoutMs / 100) / 10} s`, 'timeout');
    }
    const code = unreachableCode(error);
    const cause = (error as { cause?: unknown }).cause;
    throw new ChromaDownError(
      code ? describeUnreachable(code) : `the connection failed (${describeError(cause ?? error)})`,
      'unreachable',
    );
  }
  if (response.ok) return response;
  const { message, fromChroma } = await readMessage(response);
  switch (response.status) {
    case 401:
    case 403:
      throw new ChromaDownError(
        `the server refused the request (HTTP ${response.status}: ${message})`,
        'auth',
      );
    case 502:
    case 503:
    case 504:
      throw new ChromaDownError(`the server is unavailable (HTTP ${response.status}: ${message})`, 'gateway');
    case 400:
    case 422:
      throw new errors.ChromaClientError(`Bad request to Chroma: ${message}`);
    case 404:
      // Chroma says what it did not find in its JSON ("Collection [x] does not exist"); a bare 404 is a path
      // the server does not serve, which no Chroma this tool speaks to would answer.
      if (!fromChroma) {
        throw new ChromaDownError(
          `HTTP 404 (${message}) for ${request.method} ${new URL(request.url).pathname}`,
          'not_chroma',
        );
      }
      throw new errors.ChromaNotFoundError(`The requested resource could not be found: ${message}`);
    case 409:
      throw new errors.ChromaUniqueError('The resource already exists');
    case 429:
      throw new errors.ChromaRateLimitError('Rate limit exceeded');
    default:
      throw new errors.ChromaServerError(message);
  }
}

/** The error's words, and whether they are Chroma's own (its JSON names the error: `{"error": "NotFoundError", …}`). */
async function readMessage(response: Response): Promise<{ message: string; fromChroma: boolean }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const fromChroma = typeof body.error === 'string' && body.error !== '';
    const said = body.message ?? body.error;
    if (typeof said === 'string' && said) return { message: said, fromChroma };
  } catch {
    // not JSON (a proxy's HTML page)
  }
  return { message: response.statusText || `HTTP ${response.status}`, fromChroma: false };
}
