import { Controller, UseInterceptors, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { StateSchema } from '../docs/registry.schemas';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { WakeReason, WatchHub } from '../watch/watch.hub';
import { RequireScope } from './auth/require-scope.decorator';
import { scopeOf, WatchQueryDto } from './dto/query.dto';
import { traceWatchAnswer } from './registry.spans';
import { ServicesView } from './services.view';
import { WatchSlotInterceptor } from '../watch/watch-slot.interceptor';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** Long poll: `GET /watch?revision=N&timeoutSeconds=T`. */
@ApiTags('registry')
@RequireScope('read')
@UseInterceptors(WatchSlotInterceptor)
@Controller()
export class WatchController {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly hub: WatchHub,
    private readonly view: ServicesView,
  ) {}

  /**
   * Answers `{ revision, services }` as soon as the revision differs from the caller's (at once
   * when it already does or no revision was given), else after `timeoutSeconds` with the same
   * state. A revision the registry never reached (it restarted without its snapshot) also
   * differs, so such a client resynchronises at once instead of waiting for a catch-up.
   */
  @Get('watch')
  @ApiOperation({ summary: 'Long poll: answers once the revision differs from `revision`, else after `timeoutSeconds`' })
  @ApiOkResponse({ type: StateSchema })
  async watch(@Query() query: WatchQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const scope = scopeOf(query.status);
    let reason: WakeReason | undefined;
    if (query.revision !== undefined) {
      const timeoutMs = (query.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
      // Park first, then compare: a change landing in between still releases the ticket. Listen for the
      // client going away before the (possibly remote) revision read, so a quick abort is not missed.
      const ticket = this.hub.wait(timeoutMs, query.revision);
      const onClose = (): void => ticket.cancel();
      reply.raw.once('close', onClose);
      try {
        // Under churn the client may hold the view's revision while the store has moved on: it then waits
        // for the view's next rebuild (the hub's coalesced wake-up) rather than rebuild it at once.
        const current = await this.store.revision();
        if ((current === query.revision || this.view.holds(scope, query.revision)) && !reply.raw.destroyed) {
          // Parked on a lagging view: released when its rebuild is due at the latest, change or not.
          if (current !== query.revision) this.hub.wakeWithin(this.view.rebuildDelayMs(scope));
          reason = await ticket.released;
          if (reason === 'cancelled') return;
          // Answered while the server closes: do not keep the connection alive, or the close waits for it.
          if (reason === 'shutdown') void reply.header('connection', 'close');
        }
      } finally {
        ticket.cancel();
        reply.raw.off('close', onClose);
      }
    }
    if (reply.raw.destroyed) return;
    // One serialization per revision, encoded once: each of a thousand woken watchers is sent the same bytes.
    // A change woke it (or it came holding a revision the store has left): never answer with the view it
    // holds, which a wake-up timed for the view's rebuild, firing a little early, found still cached. That
    // answer made the client ask again at once, a busy loop of whole-registry answers under churn.
    const learning = reason !== 'timeout' && reason !== 'shutdown';
    const view = await this.view.current({ scope, allowLag: true, newerThan: learning ? query.revision : undefined });
    traceWatchAnswer(reply.request, query.revision, view.revision, reason ?? 'at once');
    void reply.status(200).header('content-type', 'application/json; charset=utf-8').send(view.body);
  }
}
