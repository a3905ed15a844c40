import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  HistogramCell,
  HistogramFamily,
  HTTP_SERVER_DURATION,
  LATENCY_BUCKETS_SECONDS,
  routeLabel,
} from '@nest-discovery/discovery/metrics';
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
  private readonly histogram: HistogramFamily;
  /** Cells by route, method and status. */
  private readonly cells = new Map<string, Map<string, Map<number, HistogramCell>>>();

  constructor(
    metrics: RegistryMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.histogram = new HistogramFamily(HTTP_SERVER_DURATION.name, HTTP_SERVER_DURATION.help, metrics.registry, LATENCY_BUCKETS_SECONDS);
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
    const { method } = request;
    const status = reply.statusCode;
    let byMethod = this.cells.get(route);
    if (byMethod === undefined) this.cells.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let cell = byStatus.get(status);
    if (cell === undefined) {
      const labels = { method, route, status_code: String(status) };
      byStatus.set(status, (cell = this.histogram.cell(`${method} ${status} ${route}`, labels)));
    }
    cell.observe(reply.elapsedTime / 1000);
  }
}
