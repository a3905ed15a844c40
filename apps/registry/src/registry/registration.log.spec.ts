import { Logger } from '@nestjs/common';
import { ManualClock } from '../testing.clock';
import { RegistryInstance } from './instance.entity';
import { REGISTRATION_LINES_PER_WINDOW, REGISTRATION_WINDOW_MS, RegistrationLog } from './registration.log';

function instance(i: number): RegistryInstance {
  return { id: `calc-${i}`, name: `calc-${i % 3}`, host: '127.0.0.2', port: 3000 + i, protocol: 'http' } as RegistryInstance;
}

describe('RegistrationLog', () => {
  let lines: unknown[];
  let clock: ManualClock;
  let log: RegistrationLog;

  beforeEach(() => {
    jest.useFakeTimers();
    lines = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(message));
    clock = new ManualClock();
    log = new RegistrationLog(clock);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('logs a line per registration with its reqId, up to the budget of a window', () => {
    log.registered({ id: 'req-1' }, instance(1), 5);
    log.updated({ id: 'req-2' }, instance(1), 6);
    expect(lines).toEqual([
      { msg: 'Registered calc-1/calc-1 at http://127.0.0.2:3001 (revision 5)', reqId: 'req-1' },
      { msg: 'Updated calc-1/calc-1 at http://127.0.0.2:3001 (revision 6)', reqId: 'req-2' },
    ]);
  });

  it('counts what exceeds the budget and sums it up in one line once the window is over', () => {
    for (let i = 0; i < REGISTRATION_LINES_PER_WINDOW + 100; i++) log.registered({ id: `req-${i}` }, instance(i), i + 1);
    log.updated({ id: 'req-x' }, instance(0), 200);
    expect(lines).toHaveLength(REGISTRATION_LINES_PER_WINDOW);
    jest.advanceTimersByTime(REGISTRATION_WINDOW_MS);
    expect(lines[REGISTRATION_LINES_PER_WINDOW]).toBe(
      'Registered 100 and updated 1 more instance(s) of 3 service(s) in 1 s, not logged one by one (revision 200)',
    );
    // A new window: lines again.
    clock.advance(REGISTRATION_WINDOW_MS);
    log.registered({ id: 'req-y' }, instance(7), 201);
    expect(lines).toHaveLength(REGISTRATION_LINES_PER_WINDOW + 2);
  });

  it('writes the count at shutdown', () => {
    for (let i = 0; i <= REGISTRATION_LINES_PER_WINDOW; i++) log.registered({ id: `req-${i}` }, instance(i), i + 1);
    log.onApplicationShutdown();
    expect(lines).toHaveLength(REGISTRATION_LINES_PER_WINDOW + 1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
