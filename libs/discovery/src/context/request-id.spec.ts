import { genRequestId, requestIdFrom } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('keeps a sane caller id', () => {
    for (const id of ['abc', 'req-1.2_3:4', 'A'.repeat(128), '0b1e6c1e-9f0a-4c2e-8d55-1b2c3d4e5f60']) {
      expect(requestIdFrom(id)).toBe(id);
    }
  });

  it('replaces anything else with a new UUID', () => {
    for (const given of [undefined, '', 'a b', 'a"b', 'x'.repeat(129), 'é', ['a', 'b'], 42]) {
      expect(requestIdFrom(given)).toMatch(UUID);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });

  it('reads the X-Request-Id header (Fastify lower-cases header names)', () => {
    expect(genRequestId({ headers: { 'x-request-id': 'from-caller' } })).toBe('from-caller');
    expect(genRequestId({ headers: {} })).toMatch(UUID);
  });
});
