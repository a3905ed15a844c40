import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TokenCheck } from './token.check';

/** Guards writes with `Authorization: Bearer <REGISTRY_TOKEN>` when a token is configured. */
@Injectable()
export class TokenGuard implements CanActivate {
  constructor(private readonly tokens: TokenCheck) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.tokens.required) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw new UnauthorizedException('Authorization: Bearer <token> is required');
    if (!this.tokens.matches(match[1])) throw new UnauthorizedException('bearer token is invalid');
    return true;
  }
}
