import { Inject, Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import { RegistryConfig, writesGuarded } from '../../config';
import { REGISTRY_CONFIG } from '../../registry.constants';
import { includes, Scope, SCOPES } from './scope';

/** What {@link TokenCheck.check} found: the scope is open, granted, the token unknown, or known but too narrow. */
export type TokenVerdict = 'open' | 'granted' | 'unknown' | 'insufficient';

/**
 * Decides whether a presented token grants a scope. Every configured token is hashed once; a presented one is
 * hashed and compared with each of them by `timingSafeEqual` (equal lengths always, no early exit), so the
 * time taken says nothing about any token. Reads are open unless a read token is configured; writes and admin
 * are open only when no admin or write token is (and then the registry listens on loopback: see config).
 */
@Injectable()
export class TokenCheck {
  private readonly known: { digest: Buffer; scope: Scope }[];
  private readonly guarded: Record<Scope, boolean>;

  constructor(@Inject(REGISTRY_CONFIG) config: Pick<RegistryConfig, 'token' | 'tokens'>) {
    const admin = [...config.tokens.admin, ...(config.token === undefined ? [] : [config.token])];
    const byScope: Record<Scope, readonly string[]> = { read: config.tokens.read, write: config.tokens.write, admin };
    this.known = SCOPES.flatMap((scope) => byScope[scope].map((token) => ({ digest: digest(token), scope })));
    const writes = writesGuarded(config);
    this.guarded = { read: config.tokens.read.length > 0, write: writes, admin: writes };
  }

  /** Whether `scope` needs a token at all. */
  required(scope: Scope): boolean {
    return this.guarded[scope];
  }

  check(token: string | undefined, scope: Scope): TokenVerdict {
    if (!this.guarded[scope]) return 'open';
    const held = token === undefined ? undefined : this.scopeOf(token);
    if (held === undefined) return 'unknown';
    return includes(held, scope) ? 'granted' : 'insufficient';
  }

  /** The widest scope `token` holds, comparing with every known token. */
  private scopeOf(token: string): Scope | undefined {
    const presented = digest(token);
    let held: Scope | undefined;
    for (const { digest: known, scope } of this.known) {
      if (timingSafeEqual(presented, known) && (held === undefined || includes(scope, held))) held = scope;
    }
    return held;
  }
}

// One-shot hash: half the cost of a Hash object per request (a guarded renewal hashes the token it presents).
function digest(token: string): Buffer {
  return hash('sha256', token, 'buffer');
}
