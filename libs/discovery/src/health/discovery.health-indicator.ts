import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RegistrationService } from '../registration/registration.service';

/**
 * A @nestjs/terminus health indicator: up while this app's registration is alive (the last
 * renewal succeeded less than a TTL ago), down otherwise; always up with
 * `{ registration: 'disabled' }` when the module does not register.
 *
 * @example
 * \@Get('health') \@HealthCheck()
 * check() { return this.health.check([() => this.discovery.isHealthy('discovery')]); }
 */
@Injectable()
export class DiscoveryHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly registration: RegistrationService,
  ) {}

  isHealthy<const Key extends string = 'discovery'>(key: Key = 'discovery' as Key): HealthIndicatorResult<Key> {
    const indicator = this.indicators.check(key);
    const state = this.registration.state();
    if (!state.enabled) return indicator.up({ registration: 'disabled' });
    const details = {
      registered: state.registered,
      instanceId: state.instanceId ?? null,
      lastRenewalAgeMs: state.lastRenewalAt ? Date.now() - state.lastRenewalAt.getTime() : null,
      ...(state.lastError !== undefined && { lastError: state.lastError }),
    };
    return state.registered ? indicator.up(details) : indicator.down(details);
  }
}
