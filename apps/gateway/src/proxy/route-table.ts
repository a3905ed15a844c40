/** One proxied prefix: requests under `prefix` go to `service` with the prefix stripped. */
export interface Route {
  prefix: string;
  service: string;
  /** The budget (ms) of a request under this prefix that brought none in `x-timeout-ms`. */
  budgetMs?: number;
}

/** Routes, longest prefix first so the most specific one wins. */
export type RouteTable = readonly Route[];

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * Parses a route table from JSON (`{ "/api/calc": "calc" }`, or `{ "/api/calc": { "service": "calc", "budgetMs": 800 } }`)
 * or a comma list (`/api/calc=calc,/api/users=users;budgetMs=800`). Throws naming `source` on anything
 * malformed, so a bad table stops the gateway at start.
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
        const [target, ...options] = pair.split(';').map((part) => part.trim());
        const [prefix, service, ...rest] = target.split('=').map((part) => part.trim());
        if (rest.length > 0 || !service) throw new Error(`${source} entry "${pair}" must look like /prefix=service[;budgetMs=N]`);
        if (options.length === 0) return [prefix, service];
        const budget = /^budgetMs=(.*)$/.exec(options.join(';'));
        if (options.length > 1 || !budget) throw new Error(`${source} entry "${pair}": the only option is ;budgetMs=N`);
        return [prefix, { service, budgetMs: Number(budget[1]) }];
      });
  }
  const routes = entries.map(([rawPrefix, target]): Route => {
    const prefix = rawPrefix.replace(/\/+$/, '');
    if (!PREFIX.test(prefix)) throw new Error(`${source}: prefix "${rawPrefix}" must be a path such as /api/calc`);
    const { service, budgetMs } =
      typeof target === 'object' && target !== null ? (target as { service?: unknown; budgetMs?: unknown }) : { service: target, budgetMs: undefined };
    if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
      throw new Error(`${source}: service for "${rawPrefix}" must be a service name, got ${JSON.stringify(service)}`);
    }
    if (budgetMs === undefined) return { prefix, service };
    if (!Number.isInteger(budgetMs) || (budgetMs as number) < 1 || (budgetMs as number) > 3_600_000) {
      throw new Error(`${source}: budgetMs for "${rawPrefix}" must be an integer of ms from 1 to 3600000, got ${JSON.stringify(budgetMs)}`);
    }
    return { prefix, service, budgetMs: budgetMs as number };
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
