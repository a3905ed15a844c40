import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SelfPreservation } from './self-preservation.service';

/** Response header on read answers while self-preservation holds expiry: what they list may include the dead. */
export const SELF_PRESERVATION_HEADER = 'registry-self-preservation';

/** The reads whose answers carry the header (route patterns as Fastify knows them). */
const READ_ROUTES = new Set(['/service/:name', '/services', '/watch']);
const RENEWAL_ROUTE = '/register';

/**
 * One Fastify `onSend` hook: counts renewals (`POST /register` answered 200) for the renewal meter
 * (a store shared by replicas counts them itself, for all of them) and stamps {@link SELF_PRESERVATION_HEADER} on read answers while active. At send time rather than
 * in a Nest interceptor, so a long poll parked before the hold began still answers with the header,
 * and the check costs a string compare per request, no RxJS pipe.
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
    fastify.addHook('onSend', async (request: FastifyRequest, reply, payload) => {
      const route = request.routeOptions.url;
      if (request.method === 'POST') {
        if (route === RENEWAL_ROUTE && reply.statusCode === 200) this.selfPreservation.renewed();
      } else if (request.method === 'GET' && route !== undefined && READ_ROUTES.has(route) && this.selfPreservation.active) {
        void reply.header(SELF_PRESERVATION_HEADER, 'active');
      }
      return payload;
    });
  }
}
