import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { SelfPreservation } from './self-preservation.service';

/** Response header on read answers while self-preservation holds expiry: what they list may include the dead. */
export const SELF_PRESERVATION_HEADER = 'registry-self-preservation';

/** The reads whose answers carry the header (route patterns as Fastify knows them). */
const READ_ROUTES = new Set(['/service/:name', '/services', '/watch']);

/**
 * One Fastify `onSend` hook that stamps {@link SELF_PRESERVATION_HEADER} on read answers while active.
 * At send time rather than in a Nest interceptor, so a long poll parked before the hold began still
 * answers with the header, and the check costs a flag read per request, no RxJS pipe. (Renewals are
 * counted by the register handler, which knows one when it sees it.)
 */
@Injectable()
export class SelfPreservationHttpHooks implements OnModuleInit {
  constructor(
    private readonly selfPreservation: SelfPreservation,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Hooks added before the server is ready apply to every route, including those Nest already declared. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (typeof fastify?.addHook !== 'function') return;
    // Callback style: an async hook costs a promise per response.
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (request.method === 'GET' && READ_ROUTES.has(request.routeOptions.url ?? '') && this.selfPreservation.active) {
        void reply.header(SELF_PRESERVATION_HEADER, 'active');
      }
      done(null, payload);
    });
  }
}
