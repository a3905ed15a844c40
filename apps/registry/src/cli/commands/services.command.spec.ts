import { instance } from '../test-support/instance.fixture';
import { servicesTable } from './services.command';

describe('servicesTable', () => {
  it('one row per service by name: processes, passing ones, endpoints per name, every tag', () => {
    const calc1 = instance({ tags: ['v2'], endpoints: { grpc: { port: 50051, protocol: 'grpc' } } });
    const calc2 = instance({ id: 'calc-2', tags: ['v2', 'canary'], status: 'critical', endpoints: { grpc: { port: 50052, protocol: 'grpc' } }, endpointHealth: { grpc: { status: 'critical' } } });
    const orders = instance({ name: 'orders', id: 'orders-1' });
    expect(servicesTable({ revision: 7, services: { orders: [orders], calc: [calc1, calc2] } }).split('\n')).toEqual([
      'SERVICE  INSTANCES  PASSING  ENDPOINTS         TAGS',
      'calc             2        1  grpc 1/2 passing  canary,v2',
      'orders           1        1  -                 -',
    ]);
  });

  it('says so when nothing is registered', () => {
    expect(servicesTable({ revision: 3, services: {} })).toBe('no services registered (revision 3)');
  });
});
