import { RequestContext } from '../context/request-context';
import { callDeadline, parseTimeoutHeader } from './deadline';

describe('deadlines', () => {
  it('reads a budget header: a whole number of ms, else nothing', () => {
    expect(parseTimeoutHeader('250')).toBe(250);
    expect(parseTimeoutHeader(['0', '9'])).toBe(0);
    for (const bad of [undefined, '', '-1', '1.5', 'soon', '99999999999']) expect(parseTimeoutHeader(bad)).toBeUndefined();
  });

  it("takes the smaller of the call's own budget and what the request has left", () => {
    const now = 1_000_000;
    expect(callDeadline(undefined, now)).toBe(Infinity);
    expect(callDeadline(500, now)).toBe(now + 500);
    RequestContext.run({ requestId: 'r', deadline: now + 200 }, () => {
      expect(callDeadline(500, now)).toBe(now + 200);
      expect(callDeadline(100, now)).toBe(now + 100);
      expect(callDeadline(undefined, now)).toBe(now + 200);
    });
  });
});
