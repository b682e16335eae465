import { ContactView } from '@cp/contacts-domain';
import { CreateExportPayload, ExportPagePayload, RequestContext, siteStream } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, handleCommand, RecordedEvent } from '@cp/event-store';
import { Clock, IdSource } from './clock';
import { ContactAtRevision, ContactQueries } from './contact-queries';
import { metadataFor } from './event-metadata';

export const EXPORT_STREAM_PREFIX = 'contactexport-';
/** Contacts per page of an export's file: a page is one message, and a Kafka message is at most 1 MB by default. */
export const EXPORT_PAGE_LIMIT = 250;
/** Exports whose snapshot a process keeps in memory while their files are read. */
const SNAPSHOTS_KEPT = 4;

/** What `POST /contacts/v4/exports` and `GET .../exports/{id}` answer. */
export interface ExportView {
  id: string;
  /** READY as soon as it exists: its contacts and their revisions are fixed when it is created. */
  status: 'READY';
  format: 'CSV' | 'JSONL';
  totalContacts: number;
  createdDate: string;
}

interface ExportState {
  view: ExportView;
  contacts: ContactAtRevision[];
}

interface ExportCreated {
  type: 'ExportCreated';
  data: { exportId: string; format: 'CSV' | 'JSONL'; filter?: Record<string, unknown>; search?: string; contacts: ContactAtRevision[] };
}

function exportStream(siteId: string, exportId: string): string {
  return siteStream(EXPORT_STREAM_PREFIX, siteId, exportId);
}

function foldExport(events: readonly RecordedEvent[]): ExportState | undefined {
  const created = events[0];
  if (!created) return undefined;
  const data = created.data as ExportCreated['data'];
  return { view: { id: data.exportId, status: 'READY', format: data.format, totalContacts: data.contacts.length, createdDate: created.occurredAt }, contacts: data.contacts };
}

/**
 * Contact exports (docs/api.md, "Exports"): an export fixes, when it is created, which contacts it
 * holds and at which revision each, so its file shows them as they were then, however long it
 * takes to read and whatever changes meanwhile (a contact changed since is folded from its
 * stream up to its revision). The file is read in pages (the gateway writes it out as CSV or JSON
 * Lines); nothing but the snapshot is stored.
 */
export class Exports {
  private readonly snapshots = new Map<string, ExportState>();

  constructor(
    private readonly store: EventStore,
    private readonly queries: ContactQueries,
    private readonly newId: IdSource,
    private readonly clock: Clock,
  ) {}

  async create(context: RequestContext, payload: CreateExportPayload): Promise<{ export: ExportView }> {
    const contacts = await this.queries.matchingRevisions(context, payload.filter, payload.search);
    const exportId = this.newId();
    const occurredAt = this.clock.now();
    const event: ExportCreated = { type: 'ExportCreated', data: { exportId, format: payload.format, ...(payload.filter && { filter: payload.filter }), ...(payload.search && { search: payload.search }), contacts } };
    await handleCommand(
      this.store,
      exportStream(context.siteId, exportId),
      foldExport,
      (state) => {
        if (state) throw AppError.conflict('EXPORT_EXISTS', `Export ${exportId} exists already`);
        return { events: [event], result: undefined };
      },
      { metadata: () => metadataFor(context, occurredAt), subject: `export ${exportId}` },
    );
    return { export: { id: exportId, status: 'READY', format: payload.format, totalContacts: contacts.length, createdDate: occurredAt } };
  }

  async get(context: RequestContext, exportId: string): Promise<{ export: ExportView }> {
    return { export: (await this.load(context, exportId)).view };
  }

  /** A page of the export's contacts, as they were when it was created. */
  async page(context: RequestContext, payload: ExportPagePayload): Promise<{ contacts: ContactView[]; total: number }> {
    const { contacts } = await this.load(context, payload.exportId);
    const limit = Math.min(Math.max(1, payload.limit), EXPORT_PAGE_LIMIT);
    return { contacts: await this.queries.viewsAt(context, contacts.slice(payload.offset, payload.offset + limit)), total: contacts.length };
  }

  private async load(context: RequestContext, exportId: string): Promise<ExportState> {
    const key = `${context.siteId}\u0000${exportId}`;
    let state = this.snapshots.get(key);
    if (!state) {
      state = foldExport(await this.store.readStream(exportStream(context.siteId, exportId)));
      if (!state) throw AppError.notFound('EXPORT_NOT_FOUND', `No export with id ${exportId}`);
      this.snapshots.set(key, state);
      if (this.snapshots.size > SNAPSHOTS_KEPT) this.snapshots.delete(this.snapshots.keys().next().value!);
    }
    return state;
  }
}
