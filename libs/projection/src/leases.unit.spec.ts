import { EmbeddedReadStore } from '@cp/read-store';
import { HeldLease, ReadStoreLeases } from './leases';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('leases in the shared read store', () => {
  it('go to one holder at a time, are renewed by it, and are free again once released', async () => {
    const leases = new ReadStoreLeases(new EmbeddedReadStore());
    expect(await leases.acquire('job', 'a', 10_000)).toBe(true);
    expect(await leases.acquire('job', 'b', 10_000)).toBe(false);
    expect(await leases.acquire('job', 'a', 10_000)).toBe(true); // a renewal
    await leases.release('job', 'b'); // not b's to release
    expect(await leases.acquire('job', 'b', 10_000)).toBe(false);
    await leases.release('job', 'a');
    expect(await leases.acquire('job', 'b', 10_000)).toBe(true);
  });

  it('are taken over once their holder stops renewing them and they expire', async () => {
    const leases = new ReadStoreLeases(new EmbeddedReadStore());
    expect(await leases.acquire('job', 'dead', 50)).toBe(true);
    expect(await leases.acquire('job', 'survivor', 50)).toBe(false);
    await sleep(60);
    expect(await leases.acquire('job', 'survivor', 50)).toBe(true);
    expect(await leases.acquire('job', 'dead', 50)).toBe(false);
  });
});

describe('a held lease', () => {
  it('stays held while renewed, and tells its holder once another has taken it', async () => {
    const store = new ReadStoreLeases(new EmbeddedReadStore());
    const lost = jest.fn();
    const lease = new HeldLease(store, 'projection:p', { ttlMs: 60, onLost: lost });
    expect(await lease.tryAcquire()).toBe(true);
    await sleep(150); // more than twice its time to live: renewals kept it
    expect(lease.held).toBe(true);
    expect(await store.acquire('projection:p', 'other', 60)).toBe(false);

    // Another replica took it: the next renewal finds it gone.
    let renewable = true;
    const flaky = new HeldLease({ acquire: async () => renewable, release: async () => undefined }, 'projection:q', { ttlMs: 60, onLost: lost });
    expect(await flaky.tryAcquire()).toBe(true);
    renewable = false;
    await sleep(40);
    expect(flaky.held).toBe(false);
    expect(lost).toHaveBeenCalledTimes(1);
    await lease.release();
    expect(await store.acquire('projection:p', 'other', 60)).toBe(true);
  });

  it('counts as lost when it cannot be renewed before it expires (the store is unreachable)', async () => {
    let reachable = true;
    const store = { acquire: async () => (reachable ? true : Promise.reject(new Error('read store down'))), release: async () => undefined };
    const lost = jest.fn();
    const lease = new HeldLease(store, 'projection:r', { ttlMs: 60, onLost: lost });
    await lease.tryAcquire();
    reachable = false;
    await sleep(30);
    expect(lost).not.toHaveBeenCalled(); // not expired yet: still sure it holds it
    await sleep(80);
    expect(lease.held).toBe(false);
    expect(lost).toHaveBeenCalledTimes(1);
  });
});
