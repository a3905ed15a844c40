/** One proxied prefix: requests under `prefix` go to `service` with the prefix stripped. */
export interface Route {
  prefix: string;
  service: string;
}

/** Routes, longest prefix first so the most specific one wins. */
export type RouteTable = readonly Route[];

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * Parses a route table from JSON (`{ "/api/calc": "calc" }`) or a comma list (`/api/calc=calc,/api/users=users`).
 * Throws naming `source` on anything malformed, so a bad table stops the gateway at start.
 */
export function parseRouteTable(text: string, source: string): RouteTable {
  const trimmed = text.trim();
  let entries: Array<[string, unknown]>;
  if (trimmed.startsWith('{')) {
    try {
      entries = Object.entries(JSON.parse(trimmed) as Record<string, unknown>);
    } catch (error) {
      throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    entries = trimmed
      .split(',')
      .filter((pair) => pair.trim() !== '')
      .map((pair) => {
        const [prefix, service, ...rest] = pair.split('=').map((part) => part.trim());
        if (rest.length > 0 || !service) throw new Error(`${source} entry "${pair}" must look like /prefix=service`);
        return [prefix, service];
      });
  }
  const routes = entries.map(([rawPrefix, service]): Route => {
    const prefix = rawPrefix.replace(/\/+$/, '');
    if (!PREFIX.test(prefix)) throw new Error(`${source}: prefix "${rawPrefix}" must be a path such as /api/calc`);
    if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
      throw new Error(`${source}: service for "${rawPrefix}" must be a service name, got ${JSON.stringify(service)}`);
    }
    return { prefix, service };
  });
  return routes.sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The route whose prefix is a whole-segment prefix of `path`, and the path left for the upstream. */
export function matchRoute(table: RouteTable, path: string): { route: Route; upstreamPath: string } | undefined {
  for (const route of table) {
    if (path === route.prefix || path.startsWith(route.prefix + '/') || path.startsWith(route.prefix + '?')) {
      const rest = path.slice(route.prefix.length);
      return { route, upstreamPath: rest.startsWith('/') ? rest : '/' + rest };
    }
  }
  return undefined;
}
