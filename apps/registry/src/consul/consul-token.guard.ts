import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ConsulPermissionDeniedError } from '../errors/consul-permission-denied.error';
import { TokenCheck } from '../registry/auth/token.check';

/**
 * Guards the Consul API's writes with the registry's token, carried as Consul clients carry theirs:
 * `X-Consul-Token`, `?token=`, or `Authorization: Bearer`. No token configured: writes are open, as the
 * registry's own are.
 */
@Injectable()
export class ConsulTokenGuard implements CanActivate {
  constructor(private readonly tokens: TokenCheck) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.tokens.required) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.tokens.matches(presentedToken(request))) throw new ConsulPermissionDeniedError();
    return true;
  }
}

function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-consul-token'];
  if (typeof header === 'string' && header !== '') return header;
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  if (typeof query === 'string' && query !== '') return query;
  return /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}
