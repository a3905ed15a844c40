import { endToEndHeaders, HttpMethod, ServiceClient } from '@nest-discovery/discovery';
import { All, BadGatewayException, Controller, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_ROUTES } from '../gateway.constants';
import { matchRoute, RouteTable } from './route-table';

/**
 * Answers of a known length up to this are read whole and sent in one write (what nginx's proxy buffering
 * does, in small): a stream piped through costs about a third of the hop's CPU for an answer of a few bytes.
 * Longer answers, and those of unknown length (chunked, server-sent events), stream as they come.
 */
const BUFFER_UP_TO_BYTES = 64 * 1024;

/**
 * The generic reverse proxy: `/{prefix}/...` is forwarded to a load-balanced instance of the service the
 * route table maps the prefix to. Request bodies are streamed, never buffered; answers too, unless short
 * (see {@link BUFFER_UP_TO_BYTES}); only listed services are reachable.
 */
// Documented per route-table prefix by setupGatewayApiDocs, not as one catch-all.
@ApiExcludeController()
@Controller()
export class ProxyController {
  constructor(
    private readonly client: ServiceClient,
    @Inject(GATEWAY_ROUTES) private readonly routes: RouteTable,
  ) {
    // The registry watch follows the routed services from the start.
    for (const route of routes) client.subscribe(route.service);
  }

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

    const head = request.method === 'HEAD';
    const hasBody = request.method !== 'GET' && !head;
    const upstream = await this.client.stream({
      service: match.route.service,
      method: request.method as HttpMethod,
      path: match.upstreamPath,
      headers,
      body: hasBody ? request.raw : undefined,
      // Read by the transport itself when it can (undici): a failure reading it is then a failed attempt, retried as any.
      bufferUpToBytes: head ? undefined : BUFFER_UP_TO_BYTES,
    });
    reply.status(upstream.statusCode).headers(endToEndHeaders(upstream.headers));
    if (upstream.bytes !== undefined) {
      void reply.send(upstream.bytes);
      return;
    }
    const length = Number(upstream.headers['content-length']);
    if (head || !(length <= BUFFER_UP_TO_BYTES)) {
      void reply.send(upstream.body);
      return;
    }
    // A transport that streamed a short answer anyway (one without bufferUpToBytes): read it here.
    let body: Buffer;
    try {
      body = await readWhole(upstream.body);
    } catch (error) {
      // Nothing was sent yet: the caller gets a clean 502 rather than a cut answer.
      throw new BadGatewayException(`${match.route.service} broke off its answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    void reply.send(body);
  }
}

/** The whole body, through undici's own consumer when the transport's body has one (no stream events). */
async function readWhole(body: Readable): Promise<Buffer> {
  const withBytes = body as Readable & { bytes?: () => Promise<Uint8Array> };
  if (typeof withBytes.bytes === 'function') {
    const bytes = await withBytes.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function appendForwardedFor(existing: string | string[] | undefined, ip: string): string {
  const prior = Array.isArray(existing) ? existing.join(', ') : existing;
  return prior ? `${prior}, ${ip}` : ip;
}
