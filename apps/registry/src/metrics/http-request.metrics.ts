import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HistogramFamily, HTTP_SERVER_DURATION, LATENCY_BUCKETS_SECONDS, RequestDurationCells } from '@nest-discovery/discovery/metrics';
import { RegistryMetrics } from './registry.metrics';

/**
 * `http_server_request_duration_seconds` by method, route pattern (`/service/:name`, never the raw
 * URL: one series per service name or id would grow without bound) and status code.
 *
 * Timed by one Fastify `onResponse` hook reading `reply.elapsedTime` (Fastify stamps every request
 * anyway), so each request costs one hook call and one observation: cheaper than a Nest interceptor,
 * which adds an RxJS pipe per request and never sees the requests that fail before a handler runs
 * (404s, bodies too large, bad JSON). An observation is a few array writes into a cell found by strings
 * Fastify already holds (the library's histogram cells): prom-client's own `observe` rebuilds and
 * hashes the label set on every call.
 */
@Injectable()
export class HttpRequestMetrics implements OnModuleInit {
  private readonly durations: RequestDurationCells;

  constructor(
    metrics: RegistryMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    const histogram = new HistogramFamily(HTTP_SERVER_DURATION.name, HTTP_SERVER_DURATION.help, metrics.registry, LATENCY_BUCKETS_SECONDS);
    this.durations = new RequestDurationCells(() => histogram);
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
    this.durations.observe(request, reply);
  }
}
