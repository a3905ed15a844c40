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
});
