import { once } from 'node:events';
import type { Server, ServerResponse } from 'node:http';

/**
 * The requests a server received before its stop began, until each is answered: the stop keeps listening for as long
 * as they (and the runs) take, so that a client connecting meanwhile is told the server is stopping (503, Retry-After)
 * rather than finding the port closed. Requests that arrive after are not waited for: answered 503 at once, they
 * would otherwise keep a busy server from ever stopping.
 */
export function requestsBeforeStop(server: Server, stopping: AbortSignal): { answered(): Promise<void> } {
  const open = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    if (stopping.aborted) return;
    open.add(response);
    response.once('close', () => open.delete(response));
  });
  return {
    async answered() {
      await Promise.all([...open].map((response) => once(response, 'close')));
    },
  };
}
