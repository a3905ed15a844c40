import { grpcInstance } from '../grpc/test-support/grpc-fixtures';
import { TCP_ENDPOINT } from '../tcp/tcp-frame';
import { atEndpoint, GRPC_ENDPOINT, GRPC_PROTOCOLS, HTTP_PROTOCOLS, ProtocolView, TCP_PROTOCOLS } from './protocol-view';
import { instance } from './test-support/fixtures';

describe('ProtocolView', () => {
  const http = instance('h', 1);
  const https = instance('s', 2, { protocol: 'https' });
  const grpc = grpcInstance('g', 3);
  /** One running app: HTTP on its primary address, gRPC as its named endpoint. */
  const dual = instance('d', 4, { endpoints: { grpc: { protocol: 'grpc', port: 50051 } } });
  const httpView = (): ProtocolView => new ProtocolView(HTTP_PROTOCOLS);
  const grpcView = (): ProtocolView => new ProtocolView(GRPC_PROTOCOLS, GRPC_ENDPOINT);

  it('keeps the instances a caller speaks to, at the address it calls', () => {
    const mixed = [http, grpc, https, dual];
    expect(httpView().of(mixed)).toEqual([http, https, dual]);
    expect(grpcView().of(mixed)).toEqual([grpc, { ...dual, protocol: 'grpc', port: 50051 }]);
  });

  it('calls an instance at its grpc endpoint under the same id, so ejection and metrics key by instance', () => {
    const [candidate] = grpcView().of([dual]);
    expect(candidate).toMatchObject({ id: 'd', host: dual.host, protocol: 'grpc', port: 50051 });
    expect(candidate).not.toBe(dual);
  });

  it('returns a list that already matches as is, and memoises per source array, derived candidates included', () => {
    const view = httpView();
    const plain = [http, https];
    expect(view.of(plain)).toBe(plain);
    const mixed = [http, grpc];
    expect(view.of(mixed)).toBe(view.of(mixed));
    const grpcs = grpcView();
    const withEndpoints = [dual, grpc];
    const first = grpcs.of(withEndpoints);
    expect(grpcs.of(withEndpoints)).toBe(first);
    expect(grpcs.of(withEndpoints)[0]).toBe(first[0]);
    const onlyGrpc = [grpc];
    expect(grpcs.of(onlyGrpc)).toBe(onlyGrpc);
  });

  it('drops instances that are critical or drained, even when a listing holds them', () => {
    const drained = instance('d', 4, { enabled: false });
    const critical = instance('c', 5, { status: 'critical' });
    const enabled = instance('e', 6, { enabled: true });
    expect(httpView().of([http, drained, critical, enabled])).toEqual([http, enabled]);
    expect(grpcView().of([grpcInstance('gd', 7, { enabled: false })])).toEqual([]);
    expect(grpcView().of([{ ...dual, enabled: false }, { ...dual, status: 'critical' }])).toEqual([]);
  });

  it('drops an instance whose grpc endpoint is critical for gRPC callers only', () => {
    const sick = { ...dual, endpointHealth: { grpc: { status: 'critical' as const, checkOutput: 'NOT_SERVING' } } };
    expect(grpcView().of([sick])).toEqual([]);
    expect(httpView().of([sick])).toEqual([sick]);
    const healed = { ...dual, endpointHealth: { grpc: { status: 'passing' as const } } };
    expect(grpcView().of([healed])).toHaveLength(1);
    expect(grpcView().explainEmpty([sick])).toBe('the grpc endpoint of all 1 that have one is critical');
    expect(grpcView().explainEmpty([http])).toBe('none of the 1 registered speaks grpc');
  });

  it('ignores other named endpoints and endpoints of another protocol', () => {
    const admin = instance('a', 8, { endpoints: { admin: { protocol: 'http', port: 9000 }, raw: { protocol: 'tcp', port: 9001 } } });
    expect(grpcView().of([admin])).toEqual([]);
    expect(grpcView().of([instance('x', 9, { endpoints: { grpc: { protocol: 'tcp', port: 9002 } } })])).toEqual([]);
    expect(atEndpoint(admin, 'missing')).toBeUndefined();
    expect(atEndpoint(admin, 'admin')).toMatchObject({ id: 'a', protocol: 'http', port: 9000 });
  });

  it('calls the fast lane at the tcp endpoint only, under the same id; nobody else calls a tcp endpoint', () => {
    const fast = instance('f', 5, { endpoints: { tcp: { protocol: 'tcp', port: 4201 }, raw: { protocol: 'tcp', port: 9001 } } });
    const tcpView = new ProtocolView(TCP_PROTOCOLS, TCP_ENDPOINT);
    expect(tcpView.of([http, grpc, fast, dual])).toEqual([{ ...fast, protocol: 'tcp', port: 4201 }]);
    expect(httpView().of([fast])).toEqual([fast]);
    expect(grpcView().of([fast])).toEqual([]);
    // An endpoint named tcp that speaks something else is not the fast lane.
    expect(tcpView.of([instance('x', 6, { endpoints: { tcp: { protocol: 'http', port: 9003 } } })])).toEqual([]);
  });

  it('treats an instance without a protocol as HTTP', () => {
    const legacy = { ...http, protocol: undefined } as unknown as typeof http;
    expect(httpView().candidateOf(legacy)).toBe(legacy);
    expect(grpcView().candidateOf(legacy)).toBeUndefined();
  });
});
