import type { FastifyRequest } from 'fastify';

/**
 * The token a request carries, however its client carries it: `Authorization: Bearer`, Consul's
 * `X-Consul-Token`, or `?token=` (Consul clients; the registry's own routes refuse unknown query parameters).
 */
export function presentedToken(request: Pick<FastifyRequest, 'headers' | 'query'>): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  const header = request.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof query === 'string' && query !== '' ? query : undefined;
}
