import { endToEndHeaders, HttpMethod, ServiceClient } from '@nest-discovery/discovery';
import { All, Controller, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ROUTES } from '../gateway.constants';
import { matchRoute, RouteTable } from './route-table';

/**
 * The generic reverse proxy: `/{prefix}/...` is forwarded to a load-balanced instance of the service the
 * route table maps the prefix to. Bodies are streamed both ways, never buffered; only listed services are reachable.
 */
// Documented per route-table prefix by setupGatewayApiDocs, not as one catch-all.
@ApiExcludeController()
@Controller()
export class ProxyController {
  constructor(
    private readonly client: ServiceClient,
    @Inject(GATEWAY_ROUTES) private readonly routes: RouteTable,
  ) {}

  @All('*')
  async forward(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const match = matchRoute(this.routes, request.url);
    if (!match) throw new NotFoundException(`No route for ${request.method} ${request.url.split('?')[0]}`);

    // ServiceClient.stream keeps only the end-to-end fields of these.
    const headers: Record<string, string | string[] | undefined> = {
      ...request.headers,
      'x-request-id': request.id,
      'x-forwarded-for': appendForwardedFor(request.headers['x-forwarded-for'], request.ip),
      'x-forwarded-proto': request.protocol,
      'x-forwarded-host': request.headers.host,
    };

    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const upstream = await this.client.stream({
      service: match.route.service,
      method: request.method as HttpMethod,
      path: match.upstreamPath,
      headers,
      body: hasBody ? request.raw : undefined,
    });
    void reply.status(upstream.statusCode).headers(endToEndHeaders(upstream.headers)).send(upstream.body);
  }
}

function appendForwardedFor(existing: string | string[] | undefined, ip: string): string {
  const prior = Array.isArray(existing) ? existing.join(', ') : existing;
  return prior ? `${prior}, ${ip}` : ip;
}
