import { Logger } from '@nestjs/common';
import { Etcd3 } from 'etcd3';
import { RegistryStore } from '../../../apps/registry/src/store/registry-store.interface';
import { describeStores, uniquePrefix } from '../helpers/stores';
import { waitFor } from '../helpers/wait-for';
import { registration, storeOpener } from './store-harness';

jest.setTimeout(30_000);
beforeAll(() => Logger.overrideLogger(false));

/**
 * How the etcd store lays its state out, read straight from etcd: the control key (health, overrides)
 * shares the instance's lease, so it dies with it; a plain renewal writes nothing; a probe output alone
 * is stored without moving the registry's revision, on every replica and on one started later.
 */
describeStores(
  'etcd store key layout',
  (kind) => {
    const stores = storeOpener(kind);
    let prefix: string;
    let etcd: Etcd3;
    const open = (): Promise<RegistryStore> => stores.open(prefix);
    /** Every key under the prefix: relative key → { lease, mod revision, value }. */
    const keys = async (): Promise<Record<string, { lease: string; mod: number; value: string }>> => {
      const answer = await etcd.getAll().prefix(`${prefix}/`).exec();
      return Object.fromEntries(
        answer.kvs.map((kv) => [
          kv.key.toString().slice(prefix.length + 1),
          { lease: String(kv.lease), mod: Number(kv.mod_revision), value: kv.value.toString() },
        ]),
      );
    };

    beforeEach(() => {
      prefix = uniquePrefix();
      etcd = new Etcd3({ hosts: kind.location.kind === 'etcd' ? kind.location.hosts : [] });
    });

    afterEach(async () => {
      await stores.closeAll();
      etcd.close();
    });

    it('keeps the control key on the instance lease: renewals leave both alone, a TTL change moves both, expiry takes both', async () => {
      const store = await open();
      await store.upsert(registration());
      await store.patch('calc', 'calc-1', { enabled: false, weight: 9 });
      await store.setHealth('calc', 'calc-1', { status: 'critical', output: 'HTTP 503' });
      const before = await keys();
      const instanceKey = before['instances/calc/calc-1'];
      const controlKey = before['control/calc/calc-1'];
      expect(JSON.parse(instanceKey.value)).toMatchObject({ weight: 2, status: 'passing', enabled: true });
      expect(JSON.parse(controlKey.value)).toMatchObject({ status: 'critical', overrides: { enabled: false, weight: 9 } });
      expect(controlKey.lease).toBe(instanceKey.lease);

      // A plain renewal is a LeaseKeepAlive: neither key is written.
      const renewal = await store.upsert(registration());
      expect(renewal).toMatchObject({ changed: false, instance: { enabled: false, weight: 9, status: 'critical' } });
      expect(await keys()).toEqual(before);

      // A new TTL needs a new lease: the control key follows the instance to it, the old lease is freed.
      const shorter = await store.upsert(registration({ ttlSeconds: 1 }));
      expect(shorter.instance).toMatchObject({ enabled: false, weight: 9, status: 'critical', ttlSeconds: 1 });
      const moved = await keys();
      expect(moved['control/calc/calc-1'].lease).toBe(moved['instances/calc/calc-1'].lease);
      expect(moved['instances/calc/calc-1'].lease).not.toBe(instanceKey.lease);
      await waitFor(async () => Number((await etcd.leaseClient.leaseTimeToLive({ ID: instanceKey.lease })).TTL) <= 0, {
        message: 'the old lease to be revoked',
      });

      // Not renewed any more: etcd expires the lease, and both keys go with it.
      await waitFor(async () => (await store.get('calc')).length === 0, { message: 'the instance to expire' });
      expect(Object.keys(await keys()).filter((key) => key !== 'revision')).toEqual([]);
    });

    it('stores a probe output alone without a new revision, which a replica started later reports too', async () => {
      const a = await open();
      await a.upsert(registration());
      await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'connect ECONNREFUSED' });
      const revision = await a.revision();
      const written = (await keys())['control/calc/calc-1'].mod;
      await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'connect ETIMEDOUT' });
      // The same output again is not even written.
      await a.setHealth('calc', 'calc-1', { status: 'critical', output: 'connect ETIMEDOUT' });
      const control = (await keys())['control/calc/calc-1'];
      expect(control.mod).toBeGreaterThan(written);
      expect(JSON.parse(control.value)).toMatchObject({ checkOutput: 'connect ETIMEDOUT', quiet: written });
      expect(await a.revision()).toBe(revision);

      const later = await open();
      expect(await later.revision()).toBe(revision);
      expect(await later.all()).toEqual(await a.all());
      expect((await later.get('calc'))[0]).toMatchObject({ status: 'critical', checkOutput: 'connect ETIMEDOUT' });
    });

    it('deregisters both keys at one revision, and hands the checks over at once on close', async () => {
      const a = await open();
      const b = await open();
      await a.upsert(registration());
      await a.patch('calc', 'calc-1', { weight: 5 });
      expect(await a.deregister('calc', 'calc-1')).toBe(true);
      expect(Object.keys(await keys())).toEqual(['revision']);

      expect(await a.claimCheckLeadership('replica-a', 10_000)).toBe(true);
      expect((await keys())['checks-leader']).toMatchObject({ value: 'replica-a' });
      expect(await b.claimCheckLeadership('replica-b', 10_000)).toBe(false);
      // Far sooner than the 10 s lease: closing revokes it.
      await a.close();
      expect(await b.claimCheckLeadership('replica-b', 10_000)).toBe(true);
    });
  },
  ['etcd'],
);
