import { matchRoute, parseRouteTable } from './route-table';

describe('route table', () => {
  it('parses the comma form and the JSON form alike, longest prefix first', () => {
    const fromList = parseRouteTable('/api=api, /api/calc=calc', 'GATEWAY_ROUTES');
    const fromJson = parseRouteTable('{ "/api": "api", "/api/calc/": "calc" }', 'GATEWAY_ROUTES');
    expect(fromList).toEqual([
      { prefix: '/api/calc', service: 'calc' },
      { prefix: '/api', service: 'api' },
    ]);
    expect(fromJson).toEqual(fromList);
  });

  it.each([
    ['api=calc', /prefix "api"/],
    ['/api/calc', /must look like \/prefix=service/],
    ['/api=bad name', /service for "\/api"/],
    ['{ "/api": 1 }', /service for "\/api"/],
    ['{ nope', /not valid JSON/],
  ])('rejects %j naming the variable', (text, message) => {
    expect(() => parseRouteTable(text, 'GATEWAY_ROUTES')).toThrow(/^GATEWAY_ROUTES/);
    expect(() => parseRouteTable(text, 'GATEWAY_ROUTES')).toThrow(message);
  });

  it('matches whole path segments only and keeps the query string', () => {
    const table = parseRouteTable('/api/calc=calc', 'GATEWAY_ROUTES');
    expect(matchRoute(table, '/api/calc/add/1/2?x=1')).toEqual({
      route: { prefix: '/api/calc', service: 'calc' },
      upstreamPath: '/add/1/2?x=1',
    });
    expect(matchRoute(table, '/api/calc')?.upstreamPath).toBe('/');
    expect(matchRoute(table, '/api/calc?x=1')?.upstreamPath).toBe('/?x=1');
    expect(matchRoute(table, '/api/calculator/add')).toBeUndefined();
    expect(matchRoute(table, '/other')).toBeUndefined();
  });

  it('takes a default budget per route, in either form, and refuses a bad one naming it', () => {
    const expected = [
      { prefix: '/api/users', service: 'users', budgetMs: 800 },
      { prefix: '/api/calc', service: 'calc' },
    ];
    expect(parseRouteTable('/api/calc=calc,/api/users=users;budgetMs=800', 'GATEWAY_ROUTES')).toEqual(expected);
    expect(parseRouteTable('{"/api/calc":"calc","/api/users":{"service":"users","budgetMs":800}}', 'GATEWAY_ROUTES')).toEqual(expected);
    expect(() => parseRouteTable('/api/calc=calc;budgetMs=soon', 'GATEWAY_ROUTES')).toThrow(/budgetMs for "\/api\/calc" must be an integer/);
    expect(() => parseRouteTable('/api/calc=calc;retries=2', 'GATEWAY_ROUTES')).toThrow(/the only option is ;budgetMs=N/);
  });
});
