import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RegistrationService } from '../registration/registration.service';

/**
 * A @nestjs/terminus health indicator for this app's registration. Down until the first
 * registration succeeded (start scripts and readiness probes wait for it) and from the start of a
 * graceful stop; up in between, with `registered: false` and the last error in the details while
 * renewals fail. Always up with `{ registration: 'disabled' }` when the module does not register.
 *
 * Why a failing renewal does not make it down: the registry probes this app's health endpoint (the
 * `check` every registration carries). A registry that cannot hear an instance's renewals but can
 * reach it keeps it (self-preservation) and trusts the probe; the probe must then say whether the
 * app serves, not whether the registry hears it, or a serving instance would be marked critical.
 * Before the first registration the registry does not know the instance, so it cannot probe it.
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
      ...(state.stopping && { stopping: true }),
    };
    const joined = state.lastRenewalAt !== undefined;
    return joined && !state.stopping ? indicator.up(details) : indicator.down(details);
  }
}
