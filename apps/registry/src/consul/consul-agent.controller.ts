import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Put, Query, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RegistryConfig } from '../config';
import { ConsulUnknownIdError } from '../errors/consul-unknown-id.error';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { RequireScope } from '../registry/auth/require-scope.decorator';
import { RegistryStore } from '../store/registry-store.interface';
import { ConsulAgent, TTL_UPDATES, TtlUpdate } from './consul.agent';
import { ConsulExceptionFilter } from './consul-exception.filter';
import { ConsulQueryParams, single } from './consul-query';
import { agentService, ConsulAgentService } from './consul.shapes';

/**
 * Consul's agent endpoints (`/v1/agent/…`): what Consul clients register, deregister and keep TTL checks
 * alive through. Writes need the registry's token; see the README's "Consul clients".
 */
@ApiExcludeController()
@UseFilters(ConsulExceptionFilter)
@RequireScope('read')
@Controller('v1/agent')
export class ConsulAgentController {
  constructor(
    private readonly agent: ConsulAgent,
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
  ) {}

  @Put('service/register')
  @RequireScope('write')
  @HttpCode(200)
  async register(@Req() request: FastifyRequest, @Body() body: unknown): Promise<void> {
    await this.agent.register(request, body);
  }

  @Put('service/deregister/:id')
  @RequireScope('write')
  @HttpCode(200)
  async deregister(@Req() request: FastifyRequest, @Param('id') id: string): Promise<void> {
    await this.agent.deregister(request, id);
  }

  /** `pass`, `warn` or `fail` a TTL check (`service:<id>`), with `?note=` as its output. */
  @Put('check/:update/:checkId')
  @RequireScope('write')
  @HttpCode(200)
  async updateTtl(
    @Req() request: FastifyRequest,
    @Param('update') update: string,
    @Param('checkId') checkId: string,
    @Query() query: ConsulQueryParams,
  ): Promise<void> {
    if (!TTL_UPDATES.includes(update as TtlUpdate)) throw new NotFoundException(`Unknown check update ${JSON.stringify(update)}`);
    await this.agent.updateTtl(request, checkId, update as TtlUpdate, single(query, 'note'));
  }

  /** Every instance, by id: the registry is the agent of all of them. */
  @Get('services')
  async services(): Promise<Record<string, ConsulAgentService>> {
    const { services } = await this.store.all();
    const answer: Record<string, ConsulAgentService> = {};
    for (const name in services) for (const instance of services[name]) answer[instance.id] = agentService(instance, this.config.consulDatacenter);
    return answer;
  }

  @Get('service/:id')
  async service(@Param('id') id: string): Promise<ConsulAgentService> {
    const instance = await this.agent.find(id);
    if (instance === undefined) throw new ConsulUnknownIdError('service', id);
    return agentService(instance, this.config.consulDatacenter);
  }
}
