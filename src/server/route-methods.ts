/**
 * The methods each route's path takes, so that a wrong method on a path the API has (405, with `Allow`) is
 * told from a path it does not have (404): Fastify's router answers both "not found".
 */
export class RouteMethods {
  private readonly routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  /** A route as Fastify's onRoute hook sees it: its full path (`/…/:session_id/status`) and method(s). */
  add(url: string, method: string | string[]): void {
    // A catch-all (the CORS preflights' `OPTIONS *`) says nothing of which paths exist.
    if (url === '*' || url === '/*') return;
    let route = this.routes.get(url);
    if (!route) {
      route = { pattern: patternOf(url), methods: new Set() };
      this.routes.set(url, route);
    }
    for (const one of [method].flat()) route.methods.add(one.toUpperCase());
    // Fastify answers HEAD wherever it answers GET; and every path of the API answers OPTIONS (see answer-options.ts).
    if (route.methods.has('GET')) route.methods.add('HEAD');
    route.methods.add('OPTIONS');
  }

  /** The methods a request path (no query) takes, sorted; empty when no route has that path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

/** `:name` is one path segment, `*` anything; the rest is literal (as find-my-way reads a route's path). */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:[^/]+|\*)/)
    .map((piece) =>
      piece === '*' ? '.*' : piece.startsWith(':') ? '[^/]+' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}
