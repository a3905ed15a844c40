import {
  BadRequestException,
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
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorSchema, InstanceSchema, RegisterAnswerSchema, StateSchema } from '../docs/registry.schemas';
import { InstanceNotFoundError } from '../errors/instance-not-found.error';
import { REGISTRY_STORE } from '../registry.constants';
import { RegistryStore } from '../store/registry-store.interface';
import { RequireScope } from './auth/require-scope.decorator';
import { InstanceParamsDto, ServiceParamsDto } from './dto/params.dto';
import { PatchInstanceDto } from './dto/patch-instance.dto';
import { LookupQueryDto, RegisterQueryDto, scopeOf, StatusQueryDto } from './dto/query.dto';
import { RegisterInstanceDto } from './dto/register-instance.dto';
import { toRegistration } from './dto/to-registration';
import { RegistryInstance } from './instance.entity';
import { registerAnswer } from './register-answer';
import { InstanceRegistrar } from './instance.registrar';
import { describeInstance as describe } from './registration.log';
import { traceRegistration } from './registry.spans';
import { requestLine } from './request-line';
import { ServiceAnswers } from './service-answers';
import { servicesJson, ServicesView } from './services.view';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Registration, renewal, lookup and deregistration. */
@ApiTags('registry')
@ApiBadRequestResponse({ type: ErrorSchema, description: 'A field, parameter or query is invalid; the message names it' })
@Controller()
export class RegistryController {
  private readonly logger = new Logger('Registry');

  constructor(
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    private readonly view: ServicesView,
    private readonly answers: ServiceAnswers,
    private readonly registrar: InstanceRegistrar,
  ) {}

  /**
   * Registers (201) or renews (200) an instance. The answer carries every service unless the
   * caller's `knownRevision` is current, which keeps a steady heartbeat to a few hundred bytes, or the
   * caller asked for none (`?answer=none`: it follows the registry through its watch), which keeps a
   * fleet's restart from costing every registration the whole registry.
   */
  @Post('register')
  @ApiOperation({ summary: 'Register (201) or renew (200) an instance, upsert by id' })
  @ApiCreatedResponse({ type: RegisterAnswerSchema, description: 'Registered' })
  @ApiOkResponse({ type: RegisterAnswerSchema, description: 'Renewed' })
  @ApiConflictResponse({ type: ErrorSchema, description: 'The id is registered under another name' })
  @ApiBearerAuth('token')
  @ApiUnauthorizedResponse({ type: ErrorSchema })
  @RequireScope('write')
  @Header('Content-Type', JSON_TYPE)
  async register(
    @Body() body: RegisterInstanceDto,
    @Query() query: RegisterQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    const { instance, created, changed, revision } = await this.registrar.upsert(reply.request, toRegistration(body));
    void reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    traceRegistration(reply.request, instance, created ? 'registered' : changed ? 'updated' : 'renewed', revision);
    if (query.answer === 'none' || query.knownRevision === revision) return registerAnswer(instance, revision);
    const view = await this.view.current({ allowLag: true });
    return registerAnswer(instance, view.revision, servicesJson(view));
  }

  /** A service's routable instances; `?status=all` adds critical and drained ones. Serialized once per change of the service. */
  @Get('service/:name')
  @RequireScope('read')
  @ApiOperation({ summary: "A service's routable instances ([] for an unknown name)" })
  @ApiOkResponse({ type: [InstanceSchema] })
  @Header('Content-Type', JSON_TYPE)
  async lookup(@Param() params: ServiceParamsDto, @Query() query: LookupQueryDto): Promise<string> {
    return this.answers.json(await this.store.get(params.name), scopeOf(query.status), query.tag);
  }

  @Get('services')
  @RequireScope('read')
  @ApiOperation({ summary: 'Every service with its routable instances' })
  @ApiOkResponse({ type: StateSchema })
  @Header('Content-Type', JSON_TYPE)
  async services(@Query() query: StatusQueryDto): Promise<Buffer> {
    return (await this.view.current({ scope: scopeOf(query.status) })).body;
  }

  /**
   * An operator's override: `enabled: false` drains the instance (registered, but out of lookups),
   * `weight` replaces its own. Both outlive the instance's renewals.
   */
  @Patch('service/:name/:id')
  @ApiOperation({ summary: 'Drain, undrain or reweigh an instance (operator override, survives renewals)' })
  @ApiOkResponse({ type: InstanceSchema })
  @ApiNotFoundResponse({ type: ErrorSchema })
  @ApiBearerAuth('token')
  @ApiUnauthorizedResponse({ type: ErrorSchema })
  @RequireScope('admin')
  async patch(
    @Param() params: InstanceParamsDto,
    @Body() body: PatchInstanceDto,
    @Req() request: FastifyRequest,
  ): Promise<RegistryInstance> {
    if (body.enabled === undefined && body.weight === undefined) {
      throw new BadRequestException('body must set enabled or weight');
    }
    const before = await this.store.revision();
    const instance = await this.store.patch(params.name, params.id, body);
    if (instance === undefined) throw new InstanceNotFoundError(params.name, params.id);
    const revision = await this.store.revision();
    if (revision !== before) {
      this.logger.log(requestLine(request, `Operator set ${describeOverrides(body)} on ${describe(instance)} (revision ${revision})`));
    }
    return instance;
  }

  @Delete('service/:name/:id')
  @ApiOperation({ summary: 'Deregister an instance' })
  @ApiNoContentResponse({ description: 'Deregistered' })
  @ApiNotFoundResponse({ type: ErrorSchema })
  @ApiBearerAuth('token')
  @ApiUnauthorizedResponse({ type: ErrorSchema })
  @RequireScope('write')
  @HttpCode(HttpStatus.NO_CONTENT)
  async deregister(@Param() params: InstanceParamsDto, @Req() request: FastifyRequest): Promise<void> {
    if (!(await this.registrar.deregister(request, params.name, params.id))) {
      throw new InstanceNotFoundError(params.name, params.id);
    }
  }
}

function describeOverrides(patch: PatchInstanceDto): string {
  const parts: string[] = [];
  if (patch.enabled !== undefined) parts.push(patch.enabled ? 'enabled' : 'drained');
  if (patch.weight !== undefined) parts.push(patch.weight === null ? 'own weight' : `weight ${patch.weight}`);
  return parts.join(', ');
}
