import { serverSpanOf } from '@nest-discovery/discovery/tracing';
import type { FastifyRequest } from 'fastify';

/** What a registration did, on its request's span: `registry.registration`. */
export type RegistrationOutcome = 'registered' | 'updated' | 'renewed';

/**
 * The registry's part of a trace: what a registration and a watch answer did, on the server span of their
 * request (see `useRequestTracing`); nothing when the request is not traced.
 */
export function traceRegistration(request: FastifyRequest, instance: { name: string; id: string }, outcome: RegistrationOutcome, revision: number): void {
  serverSpanOf(request)?.setAttributes({
    'discovery.service': instance.name,
    'discovery.instance.id': instance.id,
    'registry.registration': outcome,
    'registry.revision': revision,
  });
}

/** A watch answer: the revision the watcher held (absent: none), the one it got, and what released it. */
export function traceWatchAnswer(request: FastifyRequest, known: number | undefined, revision: number, released: string): void {
  const span = serverSpanOf(request);
  if (span === undefined) return;
  span.setAttributes({ 'registry.revision': revision, 'registry.watch.released': released });
  if (known !== undefined) span.setAttribute('registry.revision.known', known);
}
