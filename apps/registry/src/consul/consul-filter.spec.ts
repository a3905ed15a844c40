import { ConsulBadRequestError } from '../errors/consul-bad-request.error';
import { compileFilter } from './consul-filter';

const entry = { Node: { Node: '127.0.0.2' }, Service: { Service: 'web', Port: 80, Tags: ['v2', 'canary'], Meta: { version: '2' } } };
const keeps = (expression: string): boolean => compileFilter(expression)!(entry);

describe('compileFilter', () => {
  it('is absent for no expression', () => expect(compileFilter(undefined)).toBeUndefined());

  it.each([
    ['Service.Meta.version == "2"', true],
    ['Service.Meta.version != "2"', false],
    ['Service.Port == 80', true],
    ['"canary" in Service.Tags', true],
    ['"v1" not in Service.Tags', true],
    ['Service.Tags contains "v2"', true],
    ['Service.Tags not contains "v2"', false],
    ['Service.Meta contains "version"', true],
    ['Service.Meta.zone is empty', true],
    ['Service.Tags is not empty', true],
    ['Node.Node matches "^127\\\\."', true],
    ['Service.Service == `web` and not ("v1" in Service.Tags)', true],
    ['Service.Service == "db" or Service.Port == 80', true],
    ['Service.Service == "db" or (Service.Port == 80 and Service.Meta.version == "3")', false],
  ])('%s → %s', (expression, expected) => expect(keeps(expression)).toBe(expected));

  it.each(['Service.Port ==', 'Service.Port > 3', '(Service.Port == 80', 'Service.Port == 80 extra', '"x" in', 'Node.Node matches "("'])(
    'refuses %j with a 400',
    (expression) => expect(() => compileFilter(expression)).toThrow(ConsulBadRequestError),
  );
});
