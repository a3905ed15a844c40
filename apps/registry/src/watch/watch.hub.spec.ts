import { ChangeListener } from '../store/registry-store.interface';
import { WatchHub } from './watch.hub';

class FakeChanges {
  private readonly listeners = new Set<ChangeListener>();
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(revision: number): void {
    for (const listener of this.listeners) listener(revision);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}

describe('WatchHub', () => {
  let changes: FakeChanges;
  let hub: WatchHub;

  beforeEach(() => {
    jest.useFakeTimers();
    changes = new FakeChanges();
    hub = new WatchHub(changes);
    hub.onModuleInit();
  });

  afterEach(() => {
    hub.close();
    jest.useRealTimers();
  });

  it('releases a watcher parked on a lagging view once its rebuild is due, though no change follows', async () => {
    changes.emit(5);
    jest.advanceTimersByTime(0);
    // It holds 4 (the view lagged the store when it was answered) and parks: the change to 5 has fired already.
    const ticket = hub.wait(30_000, 4);
    hub.wakeWithin(40);
    jest.advanceTimersByTime(39);
    expect(hub.size).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(ticket.released).resolves.toBe('change');
    // One that holds the latest stays parked.
    const current = hub.wait(30_000, 5);
    hub.wakeWithin(0);
    jest.advanceTimersByTime(10);
    expect(hub.size).toBe(1);
    current.cancel();
  });

  it('wakes a watcher on the next change', async () => {
    const ticket = hub.wait(30_000);
    expect(hub.size).toBe(1);
    changes.emit(2);
    // On the next turn of the event loop: every change of that turn wakes the watchers once.
    expect(hub.size).toBe(1);
    jest.advanceTimersByTime(0);
    await expect(ticket.released).resolves.toBe('change');
    expect(hub.size).toBe(0);
  });

  it('keeps a watcher that already holds the announced revision', async () => {
    const behind = hub.wait(30_000, 1);
    const current = hub.wait(30_000, 2);
    changes.emit(2);
    jest.advanceTimersByTime(0);
    await expect(behind.released).resolves.toBe('change');
    expect(hub.size).toBe(1);
    changes.emit(3);
    jest.advanceTimersByTime(0);
    await expect(current.released).resolves.toBe('change');
  });

  it('wakes no sooner than the view can be rebuilt, once for a burst of changes', async () => {
    hub.close();
    hub = new WatchHub(changes, { rebuildDelayMs: () => 50 });
    hub.onModuleInit();
    const ticket = hub.wait(30_000, 1);
    for (let revision = 2; revision < 100; revision++) changes.emit(revision);
    jest.advanceTimersByTime(49);
    expect(hub.size).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(ticket.released).resolves.toBe('change');
  });

  it('times a watcher out', async () => {
    const ticket = hub.wait(1000);
    jest.advanceTimersByTime(999);
    expect(hub.size).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(ticket.released).resolves.toBe('timeout');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('wakes many watchers with one change and clears their timers', async () => {
    const tickets = Array.from({ length: 1000 }, () => hub.wait(30_000));
    changes.emit(2);
    jest.advanceTimersByTime(0);
    const reasons = await Promise.all(tickets.map((ticket) => ticket.released));
    expect(new Set(reasons)).toEqual(new Set(['change']));
    expect(hub.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('releases a cancelled watcher (client gone) and ignores later events for it', async () => {
    const ticket = hub.wait(30_000);
    ticket.cancel();
    changes.emit(2);
    await expect(ticket.released).resolves.toBe('cancelled');
    expect(hub.size).toBe(0);
  });

  it('answers every watcher at close, and later waits at once', async () => {
    const ticket = hub.wait(30_000);
    hub.close();
    await expect(ticket.released).resolves.toBe('shutdown');
    await expect(hub.wait(30_000).released).resolves.toBe('shutdown');
    expect(changes.subscribers).toBe(0);
  });
});
