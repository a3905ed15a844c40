/** Probes and scrapes: never worth a log line, even at debug, nor a span. */
const PROBE_PATHS = new Set(['/health', '/metrics']);

/** Whether `url` (query and all) is a probe's or a scrape's: `/health`, `/metrics`. @internal */
export function isProbePath(url: string): boolean {
  return PROBE_PATHS.has(pathOf(url));
}

/** `url` without its query. @internal */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
