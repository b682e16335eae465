import { DataKeys, openBytes, sealBytes } from './data-keys';
import { withOverrides } from './append-decorator';
import { AppendResult, EventHandler, EventStore, NewEvent, PartialAppendError, RecordedEvent, StreamAppend } from './event-store.port';

/**
 * Which data key seals an event's data: a key id (one per data subject, e.g. a contact), or
 * undefined to store it in clear. What routes and projects an event — its id, type, stream,
 * site, revision and time — is never sealed.
 */
export type SealingPolicy = (streamId: string, event: NewEvent) => string | undefined;

/** How a sealed event's data is stored: the key's id and `iv ‖ ciphertext ‖ tag` of its JSON, in base64. */
interface SealedData {
  $sealed: { key: string; bytes: string };
}

/** Whether stored data is in the sealed form (a store being migrated holds both). */
export function isSealed(data: unknown): data is SealedData {
  return typeof data === 'object' && data !== null && '$sealed' in data;
}

/** Binds the ciphertext to the stream and type it was written for: moved elsewhere, it does not open. */
function additionalData(keyId: string, streamId: string, type: string): string {
  return `${keyId}\n${streamId}\n${type}`;
}

/**
 * The same store, with the data of the events the policy names sealed (AES-256-GCM) with their
 * subject's data key as they are appended, and opened as they are read, whichever way: a stream,
 * the whole log, a subscription, an append's own result. An event whose key was destroyed reads
 * as `redacted`, with empty data (crypto-shredding, docs/privacy.md). One decorator for every
 * adapter, innermost, so that nothing else sees the sealed form.
 */
export function sealEvents<Store extends EventStore>(store: Store, keys: DataKeys, policy: SealingPolicy): Store {
  const sealAll = async (streamId: string, events: NewEvent[]): Promise<NewEvent[]> => {
    const keyIds = events.map((event) => policy(streamId, event));
    if (keyIds.every((keyId) => keyId === undefined)) return events;
    const keysById = new Map<string, Buffer>();
    for (const keyId of new Set(keyIds)) if (keyId !== undefined) keysById.set(keyId, await keys.keyFor(keyId));
    return events.map((event, i) => {
      const keyId = keyIds[i];
      if (keyId === undefined) return event;
      const bytes = sealBytes(keysById.get(keyId)!, Buffer.from(JSON.stringify(event.data)), additionalData(keyId, streamId, event.type));
      const data: SealedData = { $sealed: { key: keyId, bytes: bytes.toString('base64') } };
      return { ...event, data };
    });
  };

  /**
   * What the writer's process applies at once must be what a reader opens: a sealed event's data
   * as its JSON parses back (a copy, without undefined keys), the rest as the store returned it.
   */
  const withPlainRecorded = (result: AppendResult, events: NewEvent[]): AppendResult =>
    result.recorded
      ? { ...result, recorded: result.recorded.map((recorded, i) => (isSealed(recorded.data) ? { ...recorded, data: JSON.parse(JSON.stringify(events[i].data)) } : recorded)) }
      : result;

  const openOne = (event: RecordedEvent, key: Buffer | undefined): RecordedEvent => {
    const sealed = (event.data as SealedData).$sealed;
    if (!key) return { ...event, data: {}, redacted: true };
    const plaintext = openBytes(key, Buffer.from(sealed.bytes, 'base64'), additionalData(sealed.key, event.streamId, event.type));
    return { ...event, data: JSON.parse(plaintext.toString('utf8')) };
  };

  /** Synchronous when the event is in clear or its key is cached: a subscription's handler is not put off a turn for nothing. */
  const open = (event: RecordedEvent): RecordedEvent | Promise<RecordedEvent> => {
    if (!isSealed(event.data)) return event;
    const keyId = event.data.$sealed.key;
    const cached = keys.cachedKey(keyId);
    return cached ? openOne(event, cached) : keys.find(keyId).then((key) => openOne(event, key));
  };

  const openAll = async (events: RecordedEvent[]): Promise<RecordedEvent[]> => {
    const opened: RecordedEvent[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const one = open(events[i]);
      opened[i] = one instanceof Promise ? await one : one;
    }
    return opened;
  };

  return withOverrides(store, {
    append: async (streamId: string, events: NewEvent[], expected) => withPlainRecorded(await store.append(streamId, await sealAll(streamId, events), expected), events),
    appendToStreams: async (appends: readonly StreamAppend[]) => {
      const sealed: StreamAppend[] = [];
      for (const part of appends) sealed.push({ ...part, events: await sealAll(part.streamId, part.events) });
      const plain = (results: AppendResult[]) => results.map((result, i) => withPlainRecorded(result, appends[i].events));
      try {
        return plain(await store.appendToStreams(sealed));
      } catch (error) {
        // What landed of an append stream by stream is followed by its writer too.
        throw error instanceof PartialAppendError ? new PartialAppendError(plain(error.appended), error.cause) : error;
      }
    },
    readStream: async (streamId, options) => openAll(await store.readStream(streamId, options)),
    readAll: async (options) => openAll(await store.readAll(options)),
    subscribeAll: (handler: EventHandler, options) =>
      store.subscribeAll((event) => {
        const opened = open(event);
        return opened instanceof Promise ? opened.then(handler) : handler(opened);
      }, options),
  });
}
