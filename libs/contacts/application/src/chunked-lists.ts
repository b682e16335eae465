import { RequestContext, siteStream } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, handleCommand, RecordedEvent } from '@cp/event-store';
import { metadataFor } from './event-metadata';

/**
 * Items per event of a list: 5,000 contact ids and revisions are about 300 KB of JSON, well
 * inside EventStoreDB's largest append (1 MiB by default), so a list of any length can be stored
 * on every store.
 */
export const LIST_CHUNK_ITEMS = 5_000;
/** Chunks a process keeps in memory while lists are read (a job or a file reads one chunk at a time). */
const CHUNKS_KEPT = 16;

interface ListChunkStored<T> {
  type: 'ListChunkStored';
  data: { items: T[] };
}

/** Where a list is and how it was cut, as the aggregate that owns it records it. */
export interface ListShape {
  totalItems: number;
  chunkSize: number;
}

/** A list as its owner names it: by its shape, or, stored before lists were chunked, whole in the owner's first event. */
export type StoredList<T> = ListShape | { items: readonly T[] };

/**
 * Long lists an aggregate fixes when it is created (the contacts of an export, of a bulk job),
 * kept in a stream of their own (`<prefix><site>.<id>`), one event per chunk of `chunkSize`
 * items. The owner writes the list first and its own creation last, naming the list's shape:
 * its creation is the commit point, so a list whose owner was never created (the request broke
 * off) is never read. Chunk i is the stream's event at revision i.
 */
export class ChunkedLists<T> {
  private readonly cache = new Map<string, T[]>();

  constructor(
    private readonly store: EventStore,
    private readonly prefix: string,
    private readonly chunkSize = LIST_CHUNK_ITEMS,
  ) {}

  /** Stores the list, chunk by chunk (each on the one before: nothing is read back); a list stored already is refused. */
  async write(context: RequestContext, id: string, items: readonly T[], occurredAt: string): Promise<ListShape> {
    const stream = this.stream(context.siteId, id);
    const chunks = Math.ceil(items.length / this.chunkSize);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const event: ListChunkStored<T> = { type: 'ListChunkStored', data: { items: items.slice(chunk * this.chunkSize, (chunk + 1) * this.chunkSize) } };
      await handleCommand(
        this.store,
        stream,
        (events: RecordedEvent[], stored = 0) => stored + events.length,
        (stored) => {
          if (stored !== chunk) throw AppError.conflict('LIST_EXISTS', `The list ${stream} exists already`);
          return { events: [event], result: undefined };
        },
        { metadata: () => metadataFor(context, occurredAt), subject: `list ${stream}`, ...(chunk > 0 && { known: { state: chunk, revision: chunk - 1 } }) },
      );
    }
    return { totalItems: items.length, chunkSize: this.chunkSize };
  }

  /** The items from `from` (inclusive) to `to` (exclusive) of a list. */
  async slice(siteId: string, id: string, list: StoredList<T>, from: number, to: number): Promise<T[]> {
    if ('items' in list) return list.items.slice(from, to);
    const end = Math.min(to, list.totalItems);
    const items: T[] = [];
    for (let chunk = Math.floor(from / list.chunkSize); chunk * list.chunkSize < end; chunk++) {
      const start = chunk * list.chunkSize;
      items.push(...(await this.chunk(siteId, id, chunk)).slice(Math.max(0, from - start), end - start));
    }
    return items;
  }

  private async chunk(siteId: string, id: string, chunk: number): Promise<T[]> {
    const key = `${siteId}\u0000${id}\u0000${chunk}`;
    let items = this.cache.get(key);
    if (!items) {
      const [event] = await this.store.readStream(this.stream(siteId, id), { fromRevision: chunk, maxCount: 1 });
      if (!event) throw new Error(`list ${this.stream(siteId, id)} has no chunk ${chunk}`);
      items = (event.data as ListChunkStored<T>['data']).items;
    }
    // Most recently used last.
    this.cache.delete(key);
    this.cache.set(key, items);
    if (this.cache.size > CHUNKS_KEPT) this.cache.delete(this.cache.keys().next().value!);
    return items;
  }

  private stream(siteId: string, id: string): string {
    return siteStream(this.prefix, siteId, id);
  }
}
