import { TransportHeaders } from './http-transport.interface';

/**
 * Fields that describe one connection, not the message (RFC 9110 §7.6.1), so a proxy must not forward them;
 * plus `host` (the next hop has its own) and `expect` (undici refuses it and answers 100-continue itself).
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'host',
]);

/**
 * A copy of `headers` with only its end-to-end fields: no hop-by-hop field and none the `Connection`
 * header names; names lower-cased, undefined values dropped. What a reverse proxy forwards both ways;
 * `ServiceClient.stream` applies it to the headers it is given.
 *
 * @example reply.headers(endToEndHeaders(upstream.headers)).send(upstream.body)
 */
export function endToEndHeaders(headers: Readonly<Record<string, string | string[] | number | undefined>>): TransportHeaders {
  const named = connectionNamed(headers['connection'] ?? headers['Connection']);
  const out: TransportHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower)) continue;
    out[lower] = typeof value === 'number' ? String(value) : value;
  }
  return out;
}

/**
 * The fields a `Connection` header names, lower-cased; undefined for none or for the two values nearly every
 * message carries (`keep-alive`, `close`: options, not field names to drop), so most calls build no set.
 */
function connectionNamed(connection: string | string[] | number | undefined): ReadonlySet<string> | undefined {
  if (typeof connection !== 'string' || connection.length === 0) return undefined;
  const lower = connection.toLowerCase();
  if (lower === 'keep-alive' || lower === 'close') return undefined;
  return new Set(lower.split(',').map((token) => token.trim()));
}
