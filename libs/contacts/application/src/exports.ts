import { ContactView } from '@cp/contacts-domain';
import { CreateExportPayload, ExportPagePayload, RequestContext, siteStream } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, handleCommand, RecordedEvent } from '@cp/event-store';
import { Clock, IdSource } from './clock';
import { ContactAtRevision, ContactQueries } from './contact-queries';
import { ChunkedLists, LIST_CHUNK_ITEMS, StoredList } from './chunked-lists';
import { metadataFor } from './event-metadata';

export const EXPORT_STREAM_PREFIX = 'contactexport-';
/**
 * Contacts per page of an export's file, and about the most bytes of their views: a page is one
 * message, and a Kafka message is at most 1 MB by default.
 */
export const EXPORT_PAGE_LIMIT = 250;
const EXPORT_PAGE_BYTES = 512 * 1024;
/** The stream of an export's list of contacts (ChunkedLists). */
export const EXPORT_LIST_STREAM_PREFIX = 'contactexportlist-';
/** Exports a process keeps the header of (a few bytes each; an export stored before lists were chunked keeps its list here). */
const HEADERS_KEPT = 16;

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
  /** The list's shape (in its own stream); an export stored before lists were chunked has `contacts` instead. */
  data: { exportId: string; format: 'CSV' | 'JSONL'; filter?: Record<string, unknown>; search?: string; totalContacts: number; chunkSize: number; contacts?: ContactAtRevision[] };
}

/** An export as its file is read: what Get Export answers, and where its list is. */
interface ExportHeader {
  view: ExportView;
  list: StoredList<ContactAtRevision>;
}

function exportStream(siteId: string, exportId: string): string {
  return siteStream(EXPORT_STREAM_PREFIX, siteId, exportId);
}

function headerOf(created: RecordedEvent | undefined): ExportHeader | undefined {
  if (!created) return undefined;
  const data = created.data as ExportCreated['data'];
  const list = data.contacts ? { items: data.contacts } : { totalItems: data.totalContacts, chunkSize: data.chunkSize };
  const totalContacts = data.contacts?.length ?? data.totalContacts;
  return { view: { id: data.exportId, status: 'READY', format: data.format, totalContacts, createdDate: created.occurredAt }, list };
}

/**
 * Contact exports (docs/api.md, "Exports"): an export fixes, when it is created, which contacts it
 * holds and at which revision each, so its file shows them as they were then, however long it
 * takes to read and whatever changes meanwhile (a contact changed since is folded from its
 * stream up to its revision). The list is stored first, in chunks (ChunkedLists), and the export
 * is created after it, naming its shape: one whose creation broke off does not exist. The file
 * is read in pages (the gateway writes it out as CSV or JSON Lines), each from the chunk that
 * holds it; nothing but the list is stored.
 */
export class Exports {
  private readonly headers = new Map<string, ExportHeader>();
  private readonly lists: ChunkedLists<ContactAtRevision>;

  constructor(
    private readonly store: EventStore,
    private readonly queries: ContactQueries,
    private readonly newId: IdSource,
    private readonly clock: Clock,
    chunkSize = LIST_CHUNK_ITEMS,
  ) {
    this.lists = new ChunkedLists(store, EXPORT_LIST_STREAM_PREFIX, chunkSize);
  }

  async create(context: RequestContext, payload: CreateExportPayload): Promise<{ export: ExportView }> {
    const contacts = await this.queries.matchingRevisions(context, payload.filter, payload.search);
    const exportId = this.newId();
    const occurredAt = this.clock.now();
    const { totalItems, chunkSize } = await this.lists.write(context, exportId, contacts, occurredAt);
    const event: ExportCreated = { type: 'ExportCreated', data: { exportId, format: payload.format, ...(payload.filter && { filter: payload.filter }), ...(payload.search && { search: payload.search }), totalContacts: totalItems, chunkSize } };
    await handleCommand(
      this.store,
      exportStream(context.siteId, exportId),
      (events) => events.length > 0,
      (exists) => {
        if (exists) throw AppError.conflict('EXPORT_EXISTS', `Export ${exportId} exists already`);
        return { events: [event], result: undefined };
      },
      { metadata: () => metadataFor(context, occurredAt), subject: `export ${exportId}` },
    );
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
    const { view, list } = await this.header(context, payload.exportId);
    const total = view.totalContacts;
    const from = Math.max(0, payload.offset);
    const to = Math.min(total, from + Math.min(Math.max(1, payload.limit), EXPORT_PAGE_LIMIT));
    const listed = await this.lists.slice(context.siteId, payload.exportId, list, from, to);
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

  private async header(context: RequestContext, exportId: string): Promise<ExportHeader> {
    const key = `${context.siteId}\u0000${exportId}`;
    let header = this.headers.get(key);
    if (!header) {
      header = headerOf((await this.store.readStream(exportStream(context.siteId, exportId), { maxCount: 1 }))[0]);
      if (!header) throw AppError.notFound('EXPORT_NOT_FOUND', `No export with id ${exportId}`);
      this.headers.set(key, header);
      if (this.headers.size > HEADERS_KEPT) this.headers.delete(this.headers.keys().next().value!);
    }
    return header;
  }
}
