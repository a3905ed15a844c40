import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RegistryConfig } from '../../config';
import { REGISTRY_CONFIG } from '../../registry.constants';

/**
 * Guards writes with `Authorization: Bearer <REGISTRY_TOKEN>` when a token is configured.
 * Both sides are hashed first so `timingSafeEqual` always compares equal lengths and the
 * comparison time says nothing about the token.
 */
@Injectable()
export class TokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    this.expected = config.token === undefined ? undefined : digest(config.token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null) throw new UnauthorizedException('Authorization: Bearer <token> is required');
    if (!timingSafeEqual(digest(match[1]), this.expected)) throw new UnauthorizedException('bearer token is invalid');
    return true;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
