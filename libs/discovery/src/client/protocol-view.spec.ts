import { grpcInstance } from '../grpc/test-support/grpc-fixtures';
import { GRPC_PROTOCOLS, HTTP_PROTOCOLS, ProtocolView } from './protocol-view';
import { instance } from './test-support/fixtures';

describe('ProtocolView', () => {
  const http = instance('h', 1);
  const https = instance('s', 2, { protocol: 'https' });
  const grpc = grpcInstance('g', 3);

  it('keeps the endpoints a caller speaks', () => {
    const mixed = [http, grpc, https];
    expect(new ProtocolView(HTTP_PROTOCOLS).of(mixed)).toEqual([http, https]);
    expect(new ProtocolView(GRPC_PROTOCOLS).of(mixed)).toEqual([grpc]);
  });

  it('returns a list that already matches as is, and memoises per source array', () => {
    const view = new ProtocolView(HTTP_PROTOCOLS);
    const plain = [http, https];
    expect(view.of(plain)).toBe(plain);
    const mixed = [http, grpc];
    expect(view.of(mixed)).toBe(view.of(mixed));
  });

  it('drops instances that are critical or drained, even when a listing holds them', () => {
    const drained = instance('d', 4, { enabled: false });
    const critical = instance('c', 5, { status: 'critical' });
    const enabled = instance('e', 6, { enabled: true });
    expect(new ProtocolView(HTTP_PROTOCOLS).of([http, drained, critical, enabled])).toEqual([http, enabled]);
    expect(new ProtocolView(GRPC_PROTOCOLS).of([grpcInstance('gd', 7, { enabled: false })])).toEqual([]);
  });

  it('treats an instance without a protocol as HTTP', () => {
    const legacy = { ...http, protocol: undefined } as unknown as typeof http;
    expect(new ProtocolView(HTTP_PROTOCOLS).accepts(legacy)).toBe(true);
    expect(new ProtocolView(GRPC_PROTOCOLS).accepts(legacy)).toBe(false);
  });
});
