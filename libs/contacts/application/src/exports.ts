import { ContactView } from '@cp/contacts-domain';
import { CreateExportPayload, ExportPagePayload, RequestContext, siteStream } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, handleCommand, RecordedEvent } from '@cp/event-store';
import { Clock, IdSource } from './clock';
import { ContactAtRevision, ContactQueries } from './contact-queries';
import { metadataFor } from './event-metadata';

export const EXPORT_STREAM_PREFIX = 'contactexport-';
/**
 * Contacts per page of an export's file, and about the most bytes of their views: a page is one
 * message, and a Kafka message is at most 1 MB by default.
 */
export const EXPORT_PAGE_LIMIT = 250;
const EXPORT_PAGE_BYTES = 512 * 1024;
/**
 * Contacts per event of an export's list: about 300 KB of JSON, well inside EventStoreDB's
 * largest append (1 MiB by default), so an export of any size can be stored on every store.
 */
export const EXPORT_LIST_CHUNK = 5_000;
/** Chunks of export lists a process keeps in memory while files are read (a file reads one chunk for 20 pages). */
const CHUNKS_KEPT = 16;

/** What `POST /contacts/v4/exports` and `GET .../exports/{id}` answer. */
export interface ExportView {
  id: string;
  /** READY as soon as it can be read: its contacts and their revisions are fixed when it is created. */
  status: 'READY';
  format: 'CSV' | 'JSONL';
  totalContacts: number;
  createdDate: string;
}

interface ExportCreated {
  type: 'ExportCreated';
  /** `contacts`: the list's first chunk; the others follow, one ExportContactsListed each. */
  data: { exportId: string; format: 'CSV' | 'JSONL'; filter?: Record<string, unknown>; search?: string; totalContacts: number; chunkSize: number; contacts: ContactAtRevision[] };
}

interface ExportContactsListed {
  type: 'ExportContactsListed';
  data: { contacts: ContactAtRevision[] };
}

/** An export's stream as far as it was read: its header, and how many of its list's chunks are stored. */
interface ExportListing {
  header?: { view: ExportView; chunkSize: number; chunks: number };
  listed: number;
}

function exportStream(siteId: string, exportId: string): string {
  return siteStream(EXPORT_STREAM_PREFIX, siteId, exportId);
}

/** Chunk i of the list is the stream's event at revision i. */
function foldListing(events: readonly RecordedEvent[], from: ExportListing = { listed: 0 }): ExportListing {
  const created = from.header ? undefined : events[0];
  if (!created) return { ...from, listed: from.listed + events.length };
  const data = created.data as ExportCreated['data'];
  // An export stored before lists were chunked holds its whole list in this one event.
  const totalContacts = data.totalContacts ?? data.contacts.length;
  const chunkSize = data.chunkSize ?? Math.max(1, data.contacts.length);
  const view: ExportView = { id: data.exportId, status: 'READY', format: data.format, totalContacts, createdDate: created.occurredAt };
  return { header: { view, chunkSize, chunks: chunkCount(totalContacts, chunkSize) }, listed: from.listed + events.length };
}

const chunkCount = (total: number, size: number) => Math.max(1, Math.ceil(total / size));

/**
 * Contact exports (docs/api.md, "Exports"): an export fixes, when it is created, which contacts it
 * holds and at which revision each, so its file shows them as they were then, however long it
 * takes to read and whatever changes meanwhile (a contact changed since is folded from its
 * stream up to its revision). The list is stored in chunks, one event each (EXPORT_LIST_CHUNK),
 * and the export exists once the last is stored: one whose creation broke off is never shown.
 * The file is read in pages (the gateway writes it out as CSV or JSON Lines), each from the
 * chunk that holds it; nothing but the list is stored.
 */
export class Exports {
  /** Headers of complete exports, and chunks of their lists, most recently used last. */
  private readonly headers = new Map<string, NonNullable<ExportListing['header']>>();
  private readonly chunks = new Map<string, ContactAtRevision[]>();

  constructor(
    private readonly store: EventStore,
    private readonly queries: ContactQueries,
    private readonly newId: IdSource,
    private readonly clock: Clock,
    private readonly chunkSize = EXPORT_LIST_CHUNK,
  ) {}

  async create(context: RequestContext, payload: CreateExportPayload): Promise<{ export: ExportView }> {
    const contacts = await this.queries.matchingRevisions(context, payload.filter, payload.search);
    const exportId = this.newId();
    const stream = exportStream(context.siteId, exportId);
    const occurredAt = this.clock.now();
    const chunks = chunkCount(contacts.length, this.chunkSize);
    const options = { metadata: () => metadataFor(context, occurredAt), subject: `export ${exportId}` };
    for (let chunk = 0; chunk < chunks; chunk++) {
      const listed = contacts.slice(chunk * this.chunkSize, (chunk + 1) * this.chunkSize);
      const event: ExportCreated | ExportContactsListed =
        chunk === 0
          ? { type: 'ExportCreated', data: { exportId, format: payload.format, ...(payload.filter && { filter: payload.filter }), ...(payload.search && { search: payload.search }), totalContacts: contacts.length, chunkSize: this.chunkSize, contacts: listed } }
          : { type: 'ExportContactsListed', data: { contacts: listed } };
      // Each chunk on the one before (known: nothing is read back); a stream written by anyone else is refused.
      await handleCommand(
        this.store,
        stream,
        foldListing,
        (state) => {
          if (state.listed !== chunk) throw AppError.conflict('EXPORT_EXISTS', `Export ${exportId} exists already`);
          return { events: [event], result: undefined };
        },
        { ...options, ...(chunk > 0 && { known: { state: { listed: chunk }, revision: chunk - 1 } }) },
      );
    }
    return { export: { id: exportId, status: 'READY', format: payload.format, totalContacts: contacts.length, createdDate: occurredAt } };
  }

  async get(context: RequestContext, exportId: string): Promise<{ export: ExportView }> {
    return { export: (await this.header(context, exportId)).view };
  }

  /**
   * A page of the export's contacts, as they were when it was created, from `offset` in its list;
   * `nextOffset` is where the next page starts (the page may hold fewer than asked, to stay
   * within EXPORT_PAGE_BYTES).
   */
  async page(context: RequestContext, payload: ExportPagePayload): Promise<{ contacts: ContactView[]; total: number; nextOffset: number }> {
    const header = await this.header(context, payload.exportId);
    const total = header.view.totalContacts;
    const from = Math.max(0, payload.offset);
    const to = Math.min(total, from + Math.min(Math.max(1, payload.limit), EXPORT_PAGE_LIMIT));
    const listed: ContactAtRevision[] = [];
    for (let chunk = Math.floor(from / header.chunkSize); chunk * header.chunkSize < to; chunk++) {
      const start = chunk * header.chunkSize;
      listed.push(...(await this.chunk(context, payload.exportId, chunk)).slice(Math.max(0, from - start), to - start));
    }
    const contacts: ContactView[] = [];
    let consumed = 0;
    let bytes = 0;
    for (const view of await this.queries.viewsAt(context, listed)) {
      const size = view ? Buffer.byteLength(JSON.stringify(view)) : 0;
      if (consumed > 0 && bytes + size > EXPORT_PAGE_BYTES) break;
      consumed++;
      bytes += size;
      if (view) contacts.push(view);
    }
    return { contacts, total, nextOffset: from + consumed };
  }

  /** The export's header, once its whole list is stored (before: 404, as an export that does not exist). */
  private async header(context: RequestContext, exportId: string): Promise<NonNullable<ExportListing['header']>> {
    const key = `${context.siteId}\u0000${exportId}`;
    const known = this.headers.get(key);
    if (known) return known;
    const stream = exportStream(context.siteId, exportId);
    const { header } = foldListing(await this.store.readStream(stream, { maxCount: 1 }));
    const complete = header && (header.chunks === 1 || (await this.store.readStream(stream, { fromRevision: header.chunks - 1, maxCount: 1 })).length === 1);
    if (!header || !complete) throw AppError.notFound('EXPORT_NOT_FOUND', `No export with id ${exportId}`);
    return remember(this.headers, key, header, CHUNKS_KEPT);
  }

  private async chunk(context: RequestContext, exportId: string, chunk: number): Promise<ContactAtRevision[]> {
    const key = `${context.siteId}\u0000${exportId}\u0000${chunk}`;
    const known = this.chunks.get(key);
    if (known) return remember(this.chunks, key, known, CHUNKS_KEPT);
    const [event] = await this.store.readStream(exportStream(context.siteId, exportId), { fromRevision: chunk, maxCount: 1 });
    return remember(this.chunks, key, (event.data as ExportContactsListed['data']).contacts, CHUNKS_KEPT);
  }
}

/** Keeps `value` as the most recently used of at most `capacity` entries. */
function remember<T>(cache: Map<string, T>, key: string, value: T, capacity: number): T {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > capacity) cache.delete(cache.keys().next().value!);
  return value;
}
