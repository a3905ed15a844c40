import { endToEndHeaders } from './end-to-end-headers';

describe('endToEndHeaders', () => {
  it('drops hop-by-hop fields and those Connection names, keeps the rest lower-cased', () => {
    expect(
      endToEndHeaders({
        Connection: 'keep-alive, X-Session-Hop',
        'Keep-Alive': 'timeout=5',
        'Transfer-Encoding': 'chunked',
        Host: 'gateway:3000',
        TE: 'trailers',
        'x-session-hop': 'secret',
        'Content-Type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
        'content-length': 12,
        'x-absent': undefined,
      }),
    ).toEqual({ 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'content-length': '12' });
  });

  it('copies: the input is left as it was', () => {
    const headers = { connection: 'close', accept: '*/*' };
    expect(endToEndHeaders(headers)).toEqual({ accept: '*/*' });
    expect(headers).toEqual({ connection: 'close', accept: '*/*' });
  });
});
