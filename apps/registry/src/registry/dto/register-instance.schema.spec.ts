import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { RegisterInstanceDto } from './register-instance.dto';
import { isValidRegisterBody } from './register-instance.schema';

const base = { name: 'calc', host: '10.0.0.7', port: 3200 };

function classValidatorAccepts(body: object): boolean {
  const dto = plainToInstance(RegisterInstanceDto, body);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).length === 0;
}

// Bodies on both sides of every rule: the schema may refuse what class-validator accepts (the pipe then asks
// class-validator), never the reverse.
const corpus: Array<[string, object]> = [
  ['minimal', base],
  ['every field', {
    ...base, id: 'calc-1', protocol: 'grpc', tags: ['v1', 'b'], metadata: { zone: 'a', team: 'x' }, weight: 1000, ttlSeconds: 3600,
    check: { type: 'http', path: '/health', intervalSeconds: 5, timeoutSeconds: 1, failuresBeforeCritical: 2, successesBeforePassing: 1, deregisterCriticalAfterSeconds: 60 },
    endpoints: { grpc: { port: 50051, check: { type: 'grpc', service: 'calc.Calculator' } }, admin: { port: 9000, protocol: 'http' } },
  }],
  ['hostname', { ...base, host: 'calc_internal.svc' }],
  ['ipv6', { ...base, host: '::1' }],
  ['bad host', { ...base, host: 'not a host' }],
  ['long host', { ...base, host: `${'a'.repeat(60)}.`.repeat(5) }],
  ['unknown field', { ...base, colour: 'red' }],
  ['missing name', { host: base.host, port: 1 }],
  ['bad name', { ...base, name: '-calc' }],
  ['bad id', { ...base, id: 'a b' }],
  ['port 0', { ...base, port: 0 }],
  ['port fraction', { ...base, port: 1.5 }],
  ['port string', { ...base, port: '80' }],
  ['protocol tcp', { ...base, protocol: 'tcp' }],
  ['33 tags', { ...base, tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }],
  ['empty tag', { ...base, tags: [''] }],
  ['long tag', { ...base, tags: ['x'.repeat(129)] }],
  ['tag of 128', { ...base, tags: ['x'.repeat(128)] }],
  ['number tag', { ...base, tags: [1] }],
  ['metadata number', { ...base, metadata: { a: 1 } }],
  ['metadata empty key', { ...base, metadata: { '': 'a' } }],
  ['metadata 65 entries', { ...base, metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }],
  ['metadata long value', { ...base, metadata: { a: 'v'.repeat(1025) } }],
  ['metadata astral value', { ...base, metadata: { a: '😀'.repeat(600) } }],
  ['metadata array', { ...base, metadata: ['a'] }],
  ['weight 0', { ...base, weight: 0 }],
  ['ttl 3601', { ...base, ttlSeconds: 3601 }],
  ['check without type', { ...base, check: { path: '/health' } }],
  ['check bad type', { ...base, check: { type: 'udp' } }],
  ['check relative path', { ...base, check: { type: 'http', path: 'health' } }],
  ['check unknown field', { ...base, check: { type: 'tcp', colour: 'red' } }],
  ['check interval 0', { ...base, check: { type: 'tcp', intervalSeconds: 0 } }],
  ['check not an object', { ...base, check: 'http' }],
  ['endpoint without protocol', { ...base, endpoints: { admin: { port: 9000 } } }],
  ['endpoint bad name', { ...base, endpoints: { Admin: { port: 9000, protocol: 'http' } } }],
  ['endpoint without port', { ...base, endpoints: { grpc: {} } }],
  ['endpoint unknown field', { ...base, endpoints: { grpc: { port: 1, colour: 'red' } } }],
  ['endpoint bad check', { ...base, endpoints: { grpc: { port: 1, check: { type: 'udp' } } } }],
  ['9 endpoints', { ...base, endpoints: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`e${i}`, { port: 1, protocol: 'tcp' }])) }],
  ['no endpoints', { ...base, endpoints: {} }],
];

describe('the register body schema', () => {
  it.each(corpus)('never accepts what class-validator refuses: %s', (_name, body) => {
    if (isValidRegisterBody(body)) expect(classValidatorAccepts(body)).toBe(true);
  });

  it('accepts the bodies clients send', () => {
    expect(isValidRegisterBody(base)).toBe(true);
    expect(isValidRegisterBody(corpus[1][1])).toBe(true);
  });
});
