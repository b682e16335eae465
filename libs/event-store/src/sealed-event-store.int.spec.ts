import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataKeyDestroyedError, DataKeys, newMasterKey } from './data-keys';
import { RecordedEvent } from './event-store.port';
import { sealEvents, SealingPolicy } from './sealed-event-store';
import { SqliteDataKeyStore } from './sqlite-data-keys';
import { SqliteEventStore } from './sqlite-event-store';

const metadata = { siteId: 's' };
/** Person streams are sealed with their person's key; a `Forgotten` event stays in clear. */
const policy: SealingPolicy = (streamId, event) => (streamId.startsWith('person-') && event.type !== 'Forgotten' ? `person:${streamId.slice(7)}` : undefined);
const SECRET = 'ada.lovelace@example.com';

describe('sealEvents (crypto-shredding on SQLite files)', () => {
  let dir: string;
  let raw: SqliteEventStore;
  let keyStore: SqliteDataKeyStore;
  let keys: DataKeys;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sealed-'));
    raw = new SqliteEventStore(join(dir, 'events.sqlite'));
    keyStore = new SqliteDataKeyStore(join(dir, 'keys.sqlite'));
    keys = new DataKeys(keyStore, newMasterKey());
  });

  afterEach(async () => {
    await raw.close();
    await keyStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const filesContainBytes = (bytes: Buffer) => readdirSync(dir).some((file) => readFileSync(join(dir, file)).includes(bytes));
  const filesContain = (text: string) => filesContainBytes(Buffer.from(text));

  it('stores sealed data, and every way of reading opens it', async () => {
    const store = sealEvents(raw, keys, policy);
    const appended = await store.append('person-1', [{ type: 'Named', data: { email: SECRET }, metadata }], 'no_stream');
    await store.append('note-1', [{ type: 'Noted', data: { text: 'in clear' }, metadata }], 'no_stream');

    expect(appended.recorded?.[0].data).toEqual({ email: SECRET });
    expect((await raw.readStream('person-1'))[0].data).toHaveProperty('$sealed');
    expect((await raw.readStream('note-1'))[0].data).toEqual({ text: 'in clear' });
    expect((await store.readStream('person-1'))[0].data).toEqual({ email: SECRET });
    expect((await store.readAll()).map((event) => event.data)).toEqual([{ email: SECRET }, { text: 'in clear' }]);

    const seen: RecordedEvent[] = [];
    const subscription = store.subscribeAll((event) => void seen.push(event));
    await waitFor(() => seen.length === 2);
    await subscription.close();
    expect(seen[0].data).toEqual({ email: SECRET });
    expect(filesContain(SECRET)).toBe(false);
    expect(filesContain('in clear')).toBe(true);
  });

  it('reads a subject whose key was destroyed as redacted, keeps what is in clear, and refuses to seal for it again', async () => {
    const store = sealEvents(raw, keys, policy);
    await store.appendToStreams([
      { streamId: 'person-1', events: [{ type: 'Named', data: { email: SECRET }, metadata }], expected: 'no_stream' },
      { streamId: 'person-2', events: [{ type: 'Named', data: { email: 'grace@example.com' }, metadata }], expected: 'no_stream' },
    ]);
    await store.append('person-1', [{ type: 'Forgotten', data: { id: '1' }, metadata }], 0);
    const wrapped = (await keyStore.find('person:1')) as Buffer;
    expect(filesContainBytes(wrapped)).toBe(true);
    await keys.destroy('person:1');
    expect(filesContainBytes(wrapped)).toBe(false); // overwritten in the file, and the log truncated

    // A fresh process, whose cache never held the key.
    const reader = sealEvents(raw, new DataKeys(keyStore, Buffer.alloc(32)), policy);
    const [named, forgotten] = await sealEvents(raw, keys, policy).readStream('person-1');
    expect(named).toMatchObject({ type: 'Named', revision: 0, data: {}, redacted: true });
    expect(forgotten).toMatchObject({ type: 'Forgotten', data: { id: '1' } });
    expect(forgotten.redacted).toBeUndefined();
    await expect(reader.readStream('person-2')).rejects.toThrow(); // another master key opens nothing
    expect((await store.readStream('person-2'))[0].data).toEqual({ email: 'grace@example.com' });
    await expect(store.append('person-1', [{ type: 'Named', data: { email: SECRET }, metadata }], 1)).rejects.toBeInstanceOf(DataKeyDestroyedError);
    expect(await raw.readStream('person-1')).toHaveLength(2);
  });

  it('refuses data moved into another stream (the ciphertext is bound to its stream and type)', async () => {
    const store = sealEvents(raw, keys, policy);
    await store.append('person-1', [{ type: 'Named', data: { email: SECRET }, metadata }], 'no_stream');
    const [stored] = await raw.readStream('person-1');
    await raw.append('person-9', [{ type: 'Named', data: stored.data, metadata }], 'no_stream');
    await expect(store.readStream('person-9')).rejects.toThrow();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('timed out');
}
