import { Controller, UseInterceptors, Get, Header, Inject, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryConfig } from '../config';
import { REGISTRY_CONFIG, REGISTRY_STORE } from '../registry.constants';
import { RequireScope } from '../registry/auth/require-scope.decorator';
import { RegistryInstance } from '../registry/instance.entity';
import { RegistryStore } from '../store/registry-store.interface';
import { ConsulBlocking, parseBlocking } from './consul.blocking';
import { ConsulExceptionFilter } from './consul-exception.filter';
import { compileFilter } from './consul-filter';
import { all, ConsulQueryParams, flag, single } from './consul-query';
import { catalogEntry, ConsulServiceEntry, isPassing, serviceEntry, ShapeContext } from './consul.shapes';
import { WatchSlotInterceptor } from '../watch/watch-slot.interceptor';

/**
 * Consul's read endpoints over the registry's store: the catalog and the health of services, with
 * blocking queries (`?index=&wait=`, `X-Consul-Index`) on the registry's watch machinery.
 */
@ApiExcludeController()
@UseFilters(ConsulExceptionFilter)
@RequireScope('read')
@UseInterceptors(WatchSlotInterceptor)
@Controller('v1')
export class ConsulCatalogController {
  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly blocking: ConsulBlocking,
  ) {}

  /** Every service with the union of its instances' tags. */
  @Get('catalog/services')
  async services(@Query() query: ConsulQueryParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, string[]> | undefined> {
    const index = await this.blocking.everything(parseBlocking(query), reply);
    if (index === undefined) return undefined;
    this.meta(reply, index);
    const { services } = await this.store.all();
    const answer: Record<string, string[]> = {};
    for (const name in services) answer[name] = [...new Set(services[name].flatMap((instance) => instance.tags))].sort();
    return answer;
  }

  /** A service's instances, healthy or not (Consul's catalog does not filter by health). */
  @Get('catalog/service/:name')
  async service(
    @Param('name') name: string,
    @Query() query: ConsulQueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>[] | undefined> {
    const instances = await this.listing(name, query, reply);
    return instances?.list.map((instance) => catalogEntry(instance, instances.context));
  }

  /** A service's instances with their node and checks; `?passing`: only those whose every check passes. */
  @Get('health/service/:name')
  async health(
    @Param('name') name: string,
    @Query() query: ConsulQueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsulServiceEntry[] | undefined> {
    const passing = flag(query, 'passing');
    const filter = compileFilter(single(query, 'filter'));
    const instances = await this.listing(name, query, reply);
    if (instances === undefined) return undefined;
    const entries = (passing ? instances.list.filter(isPassing) : instances.list).map((instance) => serviceEntry(instance, instances.context));
    return filter === undefined ? entries : entries.filter(filter);
  }

  @Get('catalog/datacenters')
  datacenters(): string[] {
    return [this.config.consulDatacenter];
  }

  /** Clients ask for the leader to tell whether the cluster is up: the registry answers for itself. */
  @Get('status/leader')
  @Header('content-type', 'application/json; charset=utf-8')
  leader(@Req() request: FastifyRequest): string {
    return JSON.stringify(request.host);
  }

  /** The instances of `name` carrying every `?tag`, once a blocking query's wait is over; undefined: the caller left. */
  private async listing(
    name: string,
    query: ConsulQueryParams,
    reply: FastifyReply,
  ): Promise<{ list: readonly RegistryInstance[]; context: ShapeContext } | undefined> {
    const tags = all(query, 'tag');
    const index = await this.blocking.services([name], parseBlocking(query), reply);
    if (index === undefined) return undefined;
    this.meta(reply, index);
    const list = await this.store.get(name, tags[0]);
    return {
      list: tags.length > 1 ? list.filter((instance) => tags.every((tag) => instance.tags.includes(tag))) : list,
      context: { datacenter: this.config.consulDatacenter, index },
    };
  }

  private meta(reply: FastifyReply, index: number): void {
    void reply.header('x-consul-index', String(index)).header('x-consul-knownleader', 'true').header('x-consul-lastcontact', '0');
  }
}
