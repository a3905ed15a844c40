import { Controller, UseInterceptors, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SubscriptionAnswer, SubscriptionAnswers } from '../watch/subscription.answers';
import { SubscriptionHub } from '../watch/subscription.hub';
import { RequireScope } from './auth/require-scope.decorator';
import { ServiceWatchQueryDto } from './dto/service-watch-query.dto';
import { traceWatchAnswer } from './registry.spans';
import { WatchSlotInterceptor } from '../watch/watch-slot.interceptor';

const DEFAULT_TIMEOUT_SECONDS = 30;

/** Subscription long poll with deltas: `GET /watch/services?services=a,b&revision=N&epoch=E&timeoutSeconds=T`. */
@ApiTags('registry')
@RequireScope('read')
@UseInterceptors(WatchSlotInterceptor)
@Controller()
export class ServiceWatchController {
  constructor(
    private readonly hub: SubscriptionHub,
    private readonly answers: SubscriptionAnswers,
  ) {}

  /**
   * Answers what changed in `services` since the caller's `revision` of `epoch` as soon as any of them
   * changes (`full: false`, only the changed services listed), or after `timeoutSeconds` with no changes
   * and the latest revision. Without a revision, for another epoch or a revision the change log no
   * longer covers, answers at once with the full listing of every subscribed service (`full: true`).
   */
  @Get('watch/services')
  @ApiOperation({ summary: 'Long poll of some services: a delta since `revision` once one of them changes, else after `timeoutSeconds`' })
  @ApiOkResponse({ description: '`{ revision, epoch, full: false, changes }` or `{ revision, epoch, full: true, services }`' })
  async watch(@Query() query: ServiceWatchQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const { services, epoch, revision } = query;
    const deadline = Date.now() + (query.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
    let answer: SubscriptionAnswer | undefined;
    let closing = false;
    // What released the answer, for its span: nothing (answered at once), or the ticket's reason.
    let released = 'at once';
    const onClose = (): void => ticket?.cancel();
    let ticket: ReturnType<SubscriptionHub['wait']> | undefined;
    reply.raw.once('close', onClose);
    try {
      while (answer === undefined) {
        const remaining = deadline - Date.now();
        // Park first, then compute: a change landing in between still releases the ticket.
        ticket = remaining > 0 && this.answers.canDelta(epoch, revision) ? this.hub.wait(services, remaining) : undefined;
        const current = await this.answers.answer(services, epoch, revision);
        if (current.full || !current.empty || ticket === undefined) {
          answer = current;
          break;
        }
        if (reply.raw.destroyed) return;
        const reason = await ticket.released;
        if (reason === 'cancelled') return;
        released = reason;
        if (reason === 'shutdown') closing = true;
        // A change of a subscribed service may still fold into nothing (registered and gone): wait on.
        if (reason !== 'change') answer = await this.answers.answer(services, epoch, revision);
      }
    } finally {
      ticket?.cancel();
      reply.raw.off('close', onClose);
    }
    if (reply.raw.destroyed) return;
    if (closing) void reply.header('connection', 'close');
    traceWatchAnswer(reply.request, revision, answer.revision, released);
    void reply.status(200).header('content-type', 'application/json; charset=utf-8').send(answer.body);
  }
}
