import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Where data keys are kept, wrapped by the master key: never in the event store, so that
 * destroying a key makes what it sealed unreadable everywhere the events went (crypto-shredding,
 * docs/privacy.md). A destroyed key leaves a tombstone, so its id is never given a new key.
 */
export interface DataKeyStore {
  /** The wrapped key, `destroyed`, or undefined when the id never had one. */
  find(keyId: string): Promise<StoredDataKey>;
  /** Stores the wrapped key unless the id has (or had) one, and returns what the store holds for the id then. */
  add(keyId: string, wrapped: Buffer): Promise<StoredDataKey>;
  /** Removes the key material for good and leaves the tombstone; nothing happens when it is gone already. */
  destroy(keyId: string): Promise<void>;
  close(): Promise<void>;
}

export type StoredDataKey = Buffer | 'destroyed' | undefined;

/** Thrown when something is to be sealed with a key that was destroyed: that subject was erased. */
export class DataKeyDestroyedError extends Error {
  constructor(readonly keyId: string) {
    super(`The data key ${keyId} was destroyed (its subject was erased)`);
    this.name = 'DataKeyDestroyedError';
  }
}

const KEY_BYTES = 32;
/** A key made only to be opened at start: it opens with the master key the others were wrapped with, or the master key is wrong. */
const MASTER_KEY_CHECK = 'master-key-check';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * Unwrapped keys a process keeps at hand. A destroy in another process (the contacts service
 * erasing, the webhooks service reading its feed) is seen once the entry expires: within 5 s.
 */
const CACHED_KEYS = 10_000;
const CACHE_TTL_MS = 5_000;

/** AES-256-GCM with a random IV: `iv ‖ ciphertext ‖ tag`, the additional data binding it to its use. */
export function sealBytes(key: Buffer, plaintext: Buffer, additionalData: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additionalData));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** The inverse of sealBytes; throws when the bytes or the additional data were tampered with. */
export function openBytes(key: Buffer, sealed: Buffer, additionalData: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(additionalData));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
}

/** A master key as DATA_KEY_ENCRYPTION_KEY gives it: 32 bytes in base64. */
export function parseMasterKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`a data key encryption key is ${KEY_BYTES} bytes in base64, got ${key.length}`);
  return key;
}

export function newMasterKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Data keys by id: made on first use, wrapped by the master key in their store, kept unwrapped
 * in a bounded cache. One key per data subject (a contact), so that erasing the subject is
 * destroying its key.
 */
export class DataKeys {
  private readonly cache = new LRUCache<string, Buffer>({ max: CACHED_KEYS, ttl: CACHE_TTL_MS });
  /** Ids this process destroyed: never cached again, whatever a read begun before the destroy brings back. */
  private readonly destroyed = new LRUCache<string, true>({ max: CACHED_KEYS });

  constructor(
    private readonly store: DataKeyStore,
    private readonly masterKey: Buffer,
  ) {}

  /** The key to seal with, made now when the id has none; a destroyed one throws DataKeyDestroyedError. */
  async keyFor(keyId: string): Promise<Buffer> {
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    if (this.destroyed.has(keyId)) throw new DataKeyDestroyedError(keyId);
    // The store keeps the first key an id is given, and answers the id's key if it has one.
    const stored = await this.store.add(keyId, sealBytes(this.masterKey, randomBytes(KEY_BYTES), keyId));
    if (stored === undefined || stored === 'destroyed' || this.destroyed.has(keyId)) throw new DataKeyDestroyedError(keyId);
    return this.remember(keyId, stored);
  }

  /**
   * Refuses a master key other than the one the store's keys are wrapped with (a replica set up
   * apart from the others): with it, this process would make keys the others cannot open.
   */
  async checkMasterKey(): Promise<void> {
    try {
      await this.keyFor(MASTER_KEY_CHECK);
    } catch (error) {
      if (error instanceof DataKeyDestroyedError) throw error;
      throw new Error('DATA_KEY_ENCRYPTION_KEY is not the master key the data keys in the key store were wrapped with');
    }
  }

  /** The unwrapped key when this process has it at hand (no read): the fast path of opening. */
  cachedKey(keyId: string): Buffer | undefined {
    return this.cache.get(keyId);
  }

  async find(keyId: string): Promise<Buffer | undefined> {
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    if (this.destroyed.has(keyId)) return undefined;
    const stored = await this.store.find(keyId);
    return stored === undefined || stored === 'destroyed' || this.destroyed.has(keyId) ? undefined : this.remember(keyId, stored);
  }

  async destroy(keyId: string): Promise<void> {
    this.destroyed.set(keyId, true);
    this.cache.delete(keyId);
    await this.store.destroy(keyId);
  }

  close(): Promise<void> {
    this.cache.clear();
    return this.store.close();
  }

  private remember(keyId: string, wrapped: Buffer): Buffer {
    const key = openBytes(this.masterKey, wrapped, keyId);
    this.cache.set(keyId, key);
    return key;
  }
}

/** Keys in memory: tests, and a process whose events are in memory too. */
export class InMemoryDataKeyStore implements DataKeyStore {
  private readonly keys = new Map<string, Buffer | 'destroyed'>();

  async find(keyId: string): Promise<StoredDataKey> {
    return this.keys.get(keyId);
  }

  async add(keyId: string, wrapped: Buffer): Promise<StoredDataKey> {
    if (!this.keys.has(keyId)) this.keys.set(keyId, wrapped);
    return this.keys.get(keyId);
  }

  async destroy(keyId: string): Promise<void> {
    this.keys.set(keyId, 'destroyed');
  }

  async close(): Promise<void> {}
}
