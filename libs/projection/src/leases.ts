import { hostname } from 'node:os';
import { Document, DuplicateKeyError, ReadStore } from '@cp/read-store';

/**
 * Named leases: work that must run on one replica at a time (a projection's subscription, a
 * relay, a bulk job) is done by whoever holds its lease, and taken over by another once the
 * holder stops renewing it (it died) and the lease expires.
 */
export interface LeaseStore {
  /** Takes the lease if it is free or expired, or renews it if `owner` holds it: true while `owner` holds it for `ttlMs` from now. */
  acquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, if `owner` holds it, so another replica need not wait for it to expire. */
  release(name: string, owner: string): Promise<void>;
}

interface LeaseDocument extends Document {
  owner: string;
  /** Epoch milliseconds: past it, anyone may take the lease. */
  expiresAt: number;
  renewedAt: string;
}

export const LEASES_COLLECTION = 'leases';

/**
 * Leases as documents of the read store the replicas share, taken by a conditional update (held
 * by me, or expired) or, for a lease never taken, by an insert that only one replica can win.
 * Expiry compares the replicas' wall clocks: they must agree to well within a lease's time to
 * live (NTP does), or a replica could take a lease its holder still believes it has.
 */
export class ReadStoreLeases implements LeaseStore {
  constructor(private readonly store: ReadStore) {}

  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const leases = this.store.collection<LeaseDocument>(LEASES_COLLECTION);
    const now = Date.now();
    const lease = { owner, expiresAt: now + ttlMs, renewedAt: new Date(now).toISOString() };
    const taken = await leases.updateOne({ _id: name, $or: [{ owner }, { expiresAt: { $lt: now } }] }, { $set: lease });
    if (taken.matchedCount === 1) return true;
    try {
      await leases.insertOne({ _id: name, ...lease });
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false; // another replica holds it
      throw error;
    }
  }

  async release(name: string, owner: string): Promise<void> {
    await this.store.collection<LeaseDocument>(LEASES_COLLECTION).deleteOne({ _id: name, owner });
  }
}

let holders = 0;

/** A name for one holder of leases, unique across processes and within one: `<host>:<pid>:<n>`. */
export function leaseHolderName(): string {
  holders += 1;
  return `${hostname()}:${process.pid}:${holders}`;
}

export interface HeldLeaseOptions {
  ttlMs?: number;
  /** Called once when a renewal finds the lease taken by another, or cannot renew it before it expires. */
  onLost: () => void;
}

/**
 * One lease, kept renewed (every third of its time to live) from the moment it is taken until it
 * is released or lost. `held` turns false as soon as this holder can no longer be sure it holds
 * it: another replica took it, or renewals failed until its expiry.
 */
export class HeldLease {
  readonly owner = leaseHolderName();
  private readonly ttlMs: number;
  private expiresAt = 0;
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: LeaseStore,
    readonly name: string,
    private readonly options: HeldLeaseOptions,
  ) {
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  }

  get held(): boolean {
    return this.renewal !== undefined && Date.now() < this.expiresAt;
  }

  /** Tries once to take the lease; once taken, it is kept renewed. */
  async tryAcquire(): Promise<boolean> {
    const asked = Date.now();
    if (!(await this.store.acquire(this.name, this.owner, this.ttlMs))) return false;
    this.expiresAt = asked + this.ttlMs;
    this.renewal ??= setInterval(() => void this.renew(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.renewal.unref();
    return true;
  }

  async release(): Promise<void> {
    if (this.renewal === undefined) return;
    this.stopRenewing();
    await this.store.release(this.name, this.owner);
  }

  private async renew(): Promise<void> {
    const asked = Date.now();
    const renewed = await this.store.acquire(this.name, this.owner, this.ttlMs).catch(() => undefined);
    if (this.renewal === undefined) return; // released meanwhile
    if (renewed) {
      this.expiresAt = asked + this.ttlMs;
    } else if (renewed === false || Date.now() >= this.expiresAt) {
      this.stopRenewing();
      this.options.onLost();
    }
  }

  private stopRenewing(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }
}

/** How long a lease outlives its holder's last renewal: a dead replica's work is taken over after at most this long. */
export const LEASE_TTL_MS = 6_000;
