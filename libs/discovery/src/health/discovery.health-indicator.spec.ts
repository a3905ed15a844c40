import { HealthIndicatorService } from '@nestjs/terminus';
import { RegistrationState } from '../registration/registration-state.interface';
import { RegistrationService } from '../registration/registration.service';
import { DiscoveryHealthIndicator } from './discovery.health-indicator';

function indicatorOver(state: Partial<RegistrationState>): DiscoveryHealthIndicator {
  const full: RegistrationState = {
    enabled: true,
    registered: false,
    name: 'calc',
    instanceId: undefined,
    host: '127.0.0.1',
    port: 3000,
    lastRenewalAt: undefined,
    lastError: undefined,
    endpoints: [],
    stopping: false,
    ...state,
  };
  const registration = { state: () => full } as unknown as RegistrationService;
  return new DiscoveryHealthIndicator(new HealthIndicatorService(), registration);
}

describe('DiscoveryHealthIndicator', () => {
  it('is down until the first registration succeeded', () => {
    const result = indicatorOver({ lastError: 'connect ECONNREFUSED' }).isHealthy();
    expect(result.discovery).toMatchObject({ status: 'down', registered: false, lastError: 'connect ECONNREFUSED' });
  });

  it('is up while registered', () => {
    const result = indicatorOver({ registered: true, instanceId: 'calc-1', lastRenewalAt: new Date() }).isHealthy();
    expect(result.discovery).toMatchObject({ status: 'up', registered: true, instanceId: 'calc-1' });
  });

  it('stays up, with the error in its details, once renewals stop reaching the registry', () => {
    // The registry probing this app must learn whether it serves, not whether the registry hears it.
    const stale = new Date(Date.now() - 60_000);
    const result = indicatorOver({ registered: false, instanceId: 'calc-1', lastRenewalAt: stale, lastError: 'timed out' }).isHealthy();
    expect(result.discovery).toMatchObject({ status: 'up', registered: false, lastError: 'timed out' });
    expect(result.discovery.lastRenewalAgeMs).toBeGreaterThanOrEqual(60_000);
  });

  it('is down from the start of a graceful stop', () => {
    const result = indicatorOver({ registered: true, instanceId: 'calc-1', lastRenewalAt: new Date(), stopping: true }).isHealthy();
    expect(result.discovery).toMatchObject({ status: 'down', stopping: true });
  });

  it('is up, as disabled, without registration', () => {
    expect(indicatorOver({ enabled: false }).isHealthy('reg')).toEqual({ reg: { status: 'up', registration: 'disabled' } });
  });
});
