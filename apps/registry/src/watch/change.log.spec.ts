import { RegistryInstance } from '../registry/instance.entity';
import { InstanceChange } from '../store/registry-store.interface';
import { ChangeLog } from './change.log';

const instance = (id: string, service = 'calc'): RegistryInstance =>
  ({ id, name: service, status: 'passing', enabled: true }) as RegistryInstance;
const added = (id: string, service = 'calc'): InstanceChange => ({ service, id, before: 'absent', after: instance(id, service) });

describe('ChangeLog', () => {
  it('answers the changes of one service after a revision, in order', () => {
    const log = new ChangeLog();
    log.anchor(4);
    expect(log.record(5, [added('a')])).toEqual(new Set(['calc']));
    log.record(6, [added('x', 'orders')]);
    log.record(7, [added('b')]);
    expect(log.since('calc', 4)?.map((c) => [c.revision, c.change.id])).toEqual([
      [5, 'a'],
      [7, 'b'],
    ]);
    expect(log.since('calc', 5)?.map((c) => c.change.id)).toEqual(['b']);
    expect(log.since('calc', 7)).toEqual([]);
    expect(log.since('unknown', 4)).toEqual([]);
  });

  it("tells each service's last change: held, trimmed, or the start of the history", () => {
    const log = new ChangeLog(2);
    expect(log.lastChange('calc')).toBeUndefined();
    log.anchor(4);
    expect(log.lastChange('calc')).toBe(4);
    log.record(5, [added('a')]);
    log.record(6, [added('x', 'orders')]);
    expect(log.lastChange('calc')).toBe(5);
    expect(log.lastChange('orders')).toBe(6);
    log.record(7, [added('y', 'orders')]);
    // calc's change was trimmed away: its bound still says when calc last changed.
    expect(log.lastChange('calc')).toBe(5);
    log.record(9, undefined);
    expect(log.lastChange('calc')).toBe(9);
  });

  it('cannot answer from before its history or beyond its latest revision', () => {
    const log = new ChangeLog();
    log.anchor(10);
    log.record(11, [added('a')]);
    expect(log.since('calc', 9)).toBeUndefined();
    expect(log.since('calc', 12)).toBeUndefined();
    expect(log.covers(10)).toBe(true);
  });

  it('starts its history just before the first revision it sees', () => {
    const log = new ChangeLog();
    log.record(3, [added('a')]);
    expect(log.since('calc', 2)?.length).toBe(1);
    expect(log.since('calc', 1)).toBeUndefined();
  });

  it('restarts its history on a change it cannot see, or a revision seen again', () => {
    const log = new ChangeLog();
    log.anchor(0);
    log.record(1, [added('a')]);
    expect(log.record(2, undefined)).toBeUndefined();
    expect(log.since('calc', 1)).toBeUndefined();
    expect(log.since('calc', 2)).toEqual([]);
    // Revisions may skip (etcd's do) when the changes are all told.
    expect(log.record(5, [added('b')])).toEqual(new Set(['calc']));
    expect(log.since('calc', 2)?.map((c) => c.change.id)).toEqual(['b']);
    expect(log.record(5, [added('c')])).toBeUndefined();
    expect(log.since('calc', 2)).toBeUndefined();
    expect(log.since('calc', 5)).toEqual([]);
  });

  it('keeps at most its capacity; a trimmed service needs a resync from before the trim, the others do not', () => {
    const log = new ChangeLog(3);
    log.anchor(0);
    log.record(1, [added('a')]);
    log.record(2, [added('x', 'orders')]);
    log.record(3, [added('b')]);
    log.record(4, [added('c')]);
    expect(log.size).toBe(3);
    // 'a' (revision 1) is gone: calc from before it needs a resync, orders does not.
    expect(log.since('calc', 0)).toBeUndefined();
    expect(log.since('calc', 1)?.map((c) => c.change.id)).toEqual(['b', 'c']);
    expect(log.since('orders', 0)?.map((c) => c.change.id)).toEqual(['x']);
    log.record(5, [added('d')]);
    // now 'x' (revision 2) too.
    expect(log.since('orders', 1)).toBeUndefined();
    expect(log.since('orders', 2)).toEqual([]);
    expect(log.since('calc', 2)?.map((c) => c.change.id)).toEqual(['b', 'c', 'd']);
  });

  it('names its history with an epoch of its own', () => {
    expect(new ChangeLog().epoch).not.toEqual(new ChangeLog().epoch);
  });
});
