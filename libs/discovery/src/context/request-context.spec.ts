import { setImmediate as nextTurn } from 'node:timers/promises';
import { RequestContext } from './request-context';

describe('RequestContext', () => {
  it('has no request outside run()', () => {
    expect(RequestContext.current()).toBeUndefined();
    expect(RequestContext.requestId()).toBeUndefined();
  });

  it('keeps the request across awaits, timers and callbacks started inside it', async () => {
    const seen = await RequestContext.run({ requestId: 'r1' }, async () => {
      await nextTurn();
      const inTimer = await new Promise<string | undefined>((resolve) => setTimeout(() => resolve(RequestContext.requestId()), 1));
      return [RequestContext.requestId(), inTimer];
    });
    expect(seen).toEqual(['r1', 'r1']);
    expect(RequestContext.requestId()).toBeUndefined();
  });

  it('keeps concurrent requests apart, and an inner run() wins only inside it', async () => {
    const handle = (id: string) =>
      RequestContext.run({ requestId: id }, async () => {
        const before = RequestContext.requestId();
        await nextTurn();
        const inner = RequestContext.run({ requestId: `${id}-inner` }, () => RequestContext.requestId());
        await nextTurn();
        return [before, inner, RequestContext.requestId()];
      });
    expect(await Promise.all([handle('a'), handle('b')])).toEqual([
      ['a', 'a-inner', 'a'],
      ['b', 'b-inner', 'b'],
    ]);
  });
});
