import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RegistryConfig } from '../../config';
import { REGISTRY_CONFIG } from '../../registry.constants';

/**
 * Compares a presented token with `REGISTRY_TOKEN`, however it was carried (a bearer header, Consul's
 * `X-Consul-Token`). Both sides are hashed first so `timingSafeEqual` always compares equal lengths and the
 * comparison time says nothing about the token.
 */
@Injectable()
export class TokenCheck {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(REGISTRY_CONFIG) config: Pick<RegistryConfig, 'token'>) {
    this.expected = config.token === undefined ? undefined : digest(config.token);
  }

  /** Whether writes need a token at all. */
  get required(): boolean {
    return this.expected !== undefined;
  }

  /** Whether `token` is the registry's (always true when none is configured). */
  matches(token: string | undefined): boolean {
    if (this.expected === undefined) return true;
    return token !== undefined && timingSafeEqual(digest(token), this.expected);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
