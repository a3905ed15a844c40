import { Reflector } from '@nestjs/core';
import { Scope } from './scope';

/**
 * The scope a route needs, declared on the route; {@link ScopeGuard} is the one place that enforces it.
 * A route without one is public (health, docs, the dashboard's static files).
 * @example @RequireScope('write') @Post('register') register() {}
 */
export const RequireScope = Reflector.createDecorator<Scope>();
