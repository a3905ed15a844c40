import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorSchema } from '../docs/registry.schemas';
import { InstanceNotFoundError } from '../errors/instance-not-found.error';
import { REGISTRY_STORE } from '../registry.constants';
import { RequireScope } from '../registry/auth/require-scope.decorator';
import { InstanceParamsDto } from '../registry/dto/params.dto';
import { RegistryStore } from '../store/registry-store.interface';
import { SessionHub } from './session.hub';

/** `GET /session/:name/:id`: the instance's liveness, bound to one long-lived connection. */
@ApiTags('registry')
@Controller()
export class SessionController {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly hub: SessionHub,
  ) {}

  /**
   * Opens the instance's session: a streamed answer that never ends on its own (one NDJSON line, then a
   * newline every 15 s). When the connection closes without a deregistration, the registry probes the
   * instance at once and marks it critical if it does not answer: a crash is seen in milliseconds, not
   * after a TTL.
   */
  @Get('session/:name/:id')
  @ApiOperation({ summary: "Open an instance's session: its crash is noticed when the connection drops" })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'A stream: `{"session":"<id>","revision":N}` then a newline every 15 s, until the connection closes' })
  @ApiNotFoundResponse({ type: ErrorSchema, description: 'The instance is not registered (register, then open the session)' })
  @ApiBearerAuth('token')
  @ApiUnauthorizedResponse({ type: ErrorSchema })
  @RequireScope('write')
  async open(@Param() params: InstanceParamsDto, @Res() reply: FastifyReply): Promise<void> {
    const instance = (await this.store.get(params.name)).find((candidate) => candidate.id === params.id);
    if (instance === undefined) throw new InstanceNotFoundError(params.name, params.id);
    const revision = await this.store.revision();
    reply.hijack();
    this.hub.open(params.name, params.id, revision, reply.raw);
  }
}
