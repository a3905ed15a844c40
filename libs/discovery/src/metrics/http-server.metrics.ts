import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DiscoveryMetrics } from './discovery.metrics';
import { RequestDurationCells } from './http-server.metric';

/**
 * `http_server_request_duration_seconds{method,route,status_code}` for the app's inbound requests,
 * labelled by route pattern (`/add/:a/:b`), never the raw URL: one series per distinct URL would
 * grow without bound.
 *
 * Timed by one Fastify `onResponse` hook reading `reply.elapsedTime`, which Fastify stamps on every
 * request anyway: one hook call and one observation per request. A Nest interceptor would cost an
 * RxJS pipe per request and miss the requests that fail before a handler runs (404s, bad bodies).
 * Fastify only; on another HTTP adapter the histogram is left out (logged once). @internal
 */
@Injectable()
export class HttpServerMetrics implements OnModuleInit {
  private readonly durations = new RequestDurationCells(() => this.metrics.httpServer());

  constructor(
    private readonly metrics: DiscoveryMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Hooks added before the server is ready apply to every route, including those Nest already declared. */
  onModuleInit(): void {
    if (!this.metrics.enabled) return;
    const adapter = this.adapterHost.httpAdapter;
    if (adapter === undefined) return;
    if (adapter.getType() !== 'fastify') {
      new Logger('DiscoveryMetrics').warn(`No inbound request histogram on the ${adapter.getType()} adapter (Fastify only)`);
      return;
    }
    this.metrics.httpServer();
    adapter.getInstance<FastifyInstance>().addHook('onResponse', (request, reply, done) => {
      this.observe(request, reply);
      done();
    });
  }

  /** @internal */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    this.durations.observe(request, reply);
  }
}
