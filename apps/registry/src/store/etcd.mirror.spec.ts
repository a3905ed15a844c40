import { StoredControl } from './etcd-control';
import { EtcdMirror, MirrorEvent } from './etcd.mirror';

const put = (name: string, id: string, revision: number, lease = '7'): MirrorEvent => ({
  type: 'put',
  key: 'instance',
  name,
  id,
  revision,
  lease,
  value: JSON.stringify({
    id,
    name,
    host: '127.0.0.1',
    port: revision,
    tags: [],
    weight: 2,
    status: 'passing',
    enabled: true,
    lastHeartbeat: 'then',
  }),
});
const del = (name: string, id: string, revision: number): MirrorEvent => ({ type: 'delete', key: 'instance', name, id, revision });
const control = (name: string, id: string, revision: number, value: StoredControl): MirrorEvent => ({
  type: 'put',
  key: 'control',
  name,
  id,
  revision,
  lease: '7',
  value: JSON.stringify(value),
});
const controlGone = (name: string, id: string, revision: number): MirrorEvent => ({
  type: 'delete',
  key: 'control',
  name,
  id,
  revision,
});

describe('EtcdMirror', () => {
  it('loads a full read at the revision of its latest change (or the last deletion), keeping creation order', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'b', 3), put('calc', 'a', 4), put('web', 'w', 5)], 0, 20);
    expect(mirror.revision).toBe(5);
    expect(mirror.get('calc').map((instance) => instance.id)).toEqual(['b', 'a']);
    expect(Object.keys(mirror.all().services)).toEqual(['calc', 'web']);
    expect(mirror.entry('a')).toMatchObject({ lease: '7', modRevision: 4 });
    mirror.reset([put('calc', 'a', 4)], 9, 20);
    expect(mirror.revision).toBe(9);
  });

  it('applies puts in place and deletes, moving the revision to the last event', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'a', 3), put('calc', 'b', 4)], 0, 4);
    const before = mirror.get('calc');
    const removed = mirror.apply([put('calc', 'a', 10), del('calc', 'b', 11)]);
    expect(removed.map((instance) => instance.id)).toEqual(['b']);
    expect(mirror.revision).toBe(11);
    expect(mirror.get('calc')).toEqual([expect.objectContaining({ id: 'a', port: 10 })]);
    expect(before).toHaveLength(2); // copy on write
    mirror.apply([del('calc', 'a', 12)]);
    expect(mirror.all()).toEqual({ revision: 12, services: {} });
  });

  it('serves one state object per revision, and a renewal updates lastHeartbeat in place without a new revision', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'a', 3)], 0, 3);
    const state = mirror.all();
    mirror.heartbeat('a', 'now');
    expect(mirror.all()).toBe(state);
    expect(state.services.calc[0].lastHeartbeat).toBe('now');
    expect(mirror.revision).toBe(3);
  });

  it('serves an instance with its control applied, and keeps the control across the instance’s own puts', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'a', 3)], 0, 3);
    mirror.apply([control('calc', 'a', 4, { status: 'passing', overrides: { enabled: false, weight: 9 } })]);
    expect(mirror.revision).toBe(4);
    expect(mirror.get('calc')[0]).toMatchObject({ enabled: false, weight: 9, overrides: { enabled: false, weight: 9 } });
    expect(mirror.entry('a')?.registered.weight).toBe(2);

    mirror.apply([put('calc', 'a', 5)]);
    expect(mirror.get('calc')[0]).toMatchObject({ port: 5, enabled: false, weight: 9 });
    mirror.heartbeat('a', 'now');
    expect(mirror.get('calc')[0].lastHeartbeat).toBe('now');

    // Gone with its instance: an instance registered later under that id starts clean.
    mirror.apply([del('calc', 'a', 6), controlGone('calc', 'a', 6)]);
    mirror.apply([put('calc', 'a', 7)]);
    expect(mirror.get('calc')[0]).toMatchObject({ enabled: true, weight: 2, status: 'passing' });
    expect(mirror.get('calc')[0]).not.toHaveProperty('overrides');
  });

  it('applies a quiet control write (a probe output alone) in place, without a new revision, and loads it at the revision it counts for', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'a', 3)], 0, 3);
    mirror.apply([control('calc', 'a', 4, { status: 'critical', statusSince: 'then', checkOutput: 'refused' })]);
    const state = mirror.all();
    expect(state.services.calc[0]).toMatchObject({ status: 'critical', checkOutput: 'refused' });

    mirror.apply([control('calc', 'a', 8, { status: 'critical', statusSince: 'then', checkOutput: 'timeout', quiet: 4 })]);
    expect(mirror.revision).toBe(4);
    expect(mirror.all()).toBe(state);
    expect(state.services.calc[0].checkOutput).toBe('timeout');

    // A replica that starts now must report the same revision: the quiet write counts as of revision 4.
    const later = new EtcdMirror();
    later.reset([put('calc', 'a', 3), control('calc', 'a', 8, { status: 'critical', statusSince: 'then', quiet: 4 })], 0, 8);
    expect(later.revision).toBe(4);
    expect(later.get('calc')[0]).toMatchObject({ status: 'critical', statusSince: 'then' });
  });

  it('releases a writer once the watch has applied its etcd revision, counted or not, or after the timeout', async () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'a', 3)], 0, 5);
    await expect(mirror.waitFor(5, 1000)).resolves.toBe(true);
    const waiting = mirror.waitFor(8, 1000);
    mirror.apply([put('calc', 'b', 7)]);
    mirror.apply([control('calc', 'a', 8, { status: 'passing', checkOutput: 'HTTP 200', quiet: 0 })]);
    await expect(waiting).resolves.toBe(true);
    expect(mirror.revision).toBe(7);
    await expect(mirror.waitFor(99, 10)).resolves.toBe(false);
  });
});
