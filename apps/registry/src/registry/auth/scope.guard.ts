import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { TokenMissingError } from '../../errors/token-missing.error';
import { TokenScopeError } from '../../errors/token-scope.error';
import { presentedToken } from './presented-token';
import { RequireScope } from './require-scope.decorator';
import { TokenCheck } from './token.check';

/**
 * The one guard of every route (registered globally, and only when a token is configured): the scope a route declares with `@RequireScope`
 * against the token its request carries. No or an unknown token: 401; a known one of too narrow a scope: 403.
 * The Consul API answers both as Consul does (403, "Permission denied").
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenCheck,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride(RequireScope, [context.getHandler(), context.getClass()]);
    if (scope === undefined || !this.tokens.required(scope)) return true;
    const verdict = this.tokens.check(presentedToken(context.switchToHttp().getRequest<FastifyRequest>()), scope);
    if (verdict === 'unknown') throw new TokenMissingError(scope);
    if (verdict === 'insufficient') throw new TokenScopeError(scope);
    return true;
  }
}
