import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Inject,
  Logger,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InstanceNotFoundError } from '../errors/instance-not-found.error';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { TokenGuard } from './auth/token.guard';
import { InstanceParamsDto, ServiceParamsDto } from './dto/params.dto';
import { LookupQueryDto, RegisterQueryDto } from './dto/query.dto';
import { RegisterInstanceDto } from './dto/register-instance.dto';
import { toRegistration } from './dto/to-registration';
import { RegistryInstance } from './instance.entity';
import { ServicesView } from './services.view';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Registration, renewal, lookup and deregistration. */
@Controller()
export class RegistryController {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly view: ServicesView,
  ) {}

  /**
   * Registers (201) or renews (200) an instance. The answer carries every service unless the
   * caller's `knownRevision` is current, which keeps a steady heartbeat to a few hundred bytes.
   */
  @Post('register')
  @UseGuards(TokenGuard)
  @Header('Content-Type', JSON_TYPE)
  async register(
    @Body() body: RegisterInstanceDto,
    @Query() query: RegisterQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { instance, created, changed, revision } = await this.store.upsert(toRegistration(body));
    void reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    if (created) this.logger.log(`Registered ${describe(instance)} (revision ${revision})`);
    else if (changed) this.logger.log(`Updated ${describe(instance)} (revision ${revision})`);
    const head = `{"instance":${JSON.stringify(instance)},"revision":`;
    if (query.knownRevision === revision) return `${head}${revision}}`;
    const view = await this.view.current({ allowLag: true });
    return `${head}${view.revision},"services":${view.services}}`;
  }

  @Get('service/:name')
  async lookup(@Param() params: ServiceParamsDto, @Query() query: LookupQueryDto): Promise<readonly RegistryInstance[]> {
    return this.store.get(params.name, query.tag);
  }

  @Get('services')
  @Header('Content-Type', JSON_TYPE)
  async services(): Promise<string> {
    return (await this.view.current()).body;
  }

  @Delete('service/:name/:id')
  @UseGuards(TokenGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  async deregister(@Param() params: InstanceParamsDto): Promise<void> {
    if (!(await this.store.deregister(params.name, params.id))) {
      throw new InstanceNotFoundError(params.name, params.id);
    }
    this.logger.log(`Deregistered ${params.name}/${params.id} (revision ${await this.store.revision()})`);
  }
}

function describe(instance: RegistryInstance): string {
  return `${instance.name}/${instance.id} at ${instance.protocol}://${instance.host}:${instance.port}`;
}
