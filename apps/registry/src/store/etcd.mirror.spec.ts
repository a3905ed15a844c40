import { EtcdMirror, MirrorEvent } from './etcd.mirror';

const put = (name: string, id: string, revision: number, lease = '7'): MirrorEvent => ({
  type: 'put',
  name,
  id,
  revision,
  lease,
  value: JSON.stringify({ id, name, host: '127.0.0.1', port: revision, tags: [], lastHeartbeat: 'then' }),
});
const del = (name: string, id: string, revision: number): MirrorEvent => ({ type: 'delete', name, id, revision });

describe('EtcdMirror', () => {
  it('loads a full read at the revision it is given, keeping creation order', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'b', 3), put('calc', 'a', 4), put('web', 'w', 5)], 9);
    expect(mirror.revision).toBe(9);
    expect(mirror.get('calc').map((instance) => instance.id)).toEqual(['b', 'a']);
    expect(Object.keys(mirror.all().services)).toEqual(['calc', 'web']);
    expect(mirror.entry('a')).toMatchObject({ lease: '7', modRevision: 4 });
  });

  it('applies puts in place and deletes, moving the revision to the last event', () => {
    const mirror = new EtcdMirror();
    mirror.reset([put('calc', 'a', 3), put('calc', 'b', 4)], 4);
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
    mirror.reset([put('calc', 'a', 3)], 3);
    const state = mirror.all();
    mirror.heartbeat('a', 'now');
    expect(mirror.all()).toBe(state);
    expect(state.services.calc[0].lastHeartbeat).toBe('now');
    expect(mirror.revision).toBe(3);
  });

  it('releases a writer once the watch has applied its revision, or after the timeout', async () => {
    const mirror = new EtcdMirror();
    mirror.reset([], 5);
    await expect(mirror.waitFor(5, 1000)).resolves.toBe(true);
    const waiting = mirror.waitFor(8, 1000);
    mirror.apply([put('calc', 'a', 7)]);
    mirror.apply([put('calc', 'b', 8)]);
    await expect(waiting).resolves.toBe(true);
    await expect(mirror.waitFor(99, 10)).resolves.toBe(false);
  });
});
