import { Metadata } from '@grpc/grpc-js';
import { RequestContext } from '../context/request-context';
import { toMetadata } from './grpc-metadata';

describe('toMetadata (request id)', () => {
  it('adds none outside a request', () => {
    expect(toMetadata(undefined).get('x-request-id')).toEqual([]);
    expect(toMetadata({ a: '1' }).getMap()).toEqual({ a: '1' });
  });

  it("adds the current request's id, to a record or a copy of a Metadata", () => {
    const given = new Metadata();
    given.set('a', '1');
    const [fromRecord, fromMetadata] = RequestContext.run({ requestId: 'req-9' }, () => [toMetadata({ a: '1' }), toMetadata(given)]);
    expect(fromRecord.getMap()).toEqual({ a: '1', 'x-request-id': 'req-9' });
    expect(fromMetadata.getMap()).toEqual({ a: '1', 'x-request-id': 'req-9' });
    expect(given.get('x-request-id')).toEqual([]);
  });

  it("keeps the caller's own id", () => {
    const metadata = RequestContext.run({ requestId: 'ambient' }, () => toMetadata({ 'X-Request-Id': 'explicit' }));
    expect(metadata.get('x-request-id')).toEqual(['explicit']);
  });
});
