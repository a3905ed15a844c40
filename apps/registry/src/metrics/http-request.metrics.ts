import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram } from 'prom-client';
import { HTTP_SERVER_DURATION, LATENCY_BUCKETS_SECONDS, routeLabel } from '@nest-discovery/discovery/metrics';
import { RegistryMetrics } from './registry.metrics';

type Labels = 'method' | 'route' | 'status_code';

/**
 * `http_server_request_duration_seconds` by method, route pattern (`/service/:name`, never the raw
 * URL: one series per service name or id would grow without bound) and status code.
 *
 * Timed by one Fastify `onResponse` hook reading `reply.elapsedTime` (Fastify stamps every request
 * anyway), so each request costs one hook call and one observation: cheaper than a Nest interceptor,
 * which adds an RxJS pipe per request and never sees the requests that fail before a handler runs
 * (404s, bodies too large, bad JSON).
 */
@Injectable()
export class HttpRequestMetrics implements OnModuleInit {
  private readonly histogram: Histogram<Labels>;
  /** Children by `method status route`: a label lookup in prom-client rebuilds the label set each time. */
  private readonly children = new Map<string, Histogram.Internal<Labels>>();

  constructor(
    metrics: RegistryMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.histogram = new Histogram({
      ...HTTP_SERVER_DURATION,
      labelNames: ['method', 'route', 'status_code'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [metrics.registry],
    });
  }

  /** Hooks added before the server is ready apply to every route, including those Nest already declared. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (typeof fastify?.addHook !== 'function') return;
    fastify.addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  /** @internal */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = routeLabel(request);
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.histogram.labels({ method: request.method, route, status_code: String(reply.statusCode) });
      this.children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
  }
}
