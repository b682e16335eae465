import { CATALOG_INDEXES, CatalogDocument, putDefinition } from '@cp/catalog-application';
import { EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { FIELD_EVENT_TYPES, FieldDefinition, FieldEventRecord } from '@cp/extended-fields-domain';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { FIELDS_SERVICE, FIELDS_STREAM_PREFIX } from './fields-stream';

/** The extended-fields read model: one document per field of a site (`<siteKey>:<key>`), `writable` included. */
export const FIELDS_COLLECTION = 'extended_fields';

/** The version of every document this service's projections write: bump it when one changes (docs/architecture.md, "Versions"). */
export const FIELDS_READ_MODEL_VERSION = 1;

export type FieldDocument = CatalogDocument<FieldDefinition>;

/** Projects field events into the read model, as the catalog dates them: system fields undated, the others by their events. */
export class FieldsProjection {
  readonly runner: CheckpointedProjection;
  private readonly documents: ReadCollection<FieldDocument>;

  constructor(events: EventStore, readStore: ReadStore, logger: ProjectionLogger) {
    this.documents = readStore.collection<FieldDocument>(FIELDS_COLLECTION);
    this.runner = new CheckpointedProjection(FIELDS_SERVICE, events, readStore, (event) => this.apply(event), logger);
  }

  async start(): Promise<void> {
    await this.documents.createIndexes(CATALOG_INDEXES);
    await this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  waitFor(position: number): Promise<void> {
    return this.runner.waitFor(position);
  }

  private async apply(stored: RecordedEvent): Promise<void> {
    if (!stored.streamId.startsWith(FIELDS_STREAM_PREFIX)) return;
    const event = recordOf<FieldEventRecord>(stored);
    switch (event.type) {
      case FIELD_EVENT_TYPES.opened:
        for (const field of event.data.system) await putDefinition(this.documents, stored, field.key, () => ({ ...field }), false);
        return;
      case FIELD_EVENT_TYPES.created:
        await putDefinition(this.documents, stored, event.data.key, () => ({ ...event.data, createdDate: event.occurredAt, updatedDate: event.occurredAt }), false);
        return;
      case FIELD_EVENT_TYPES.renamed: {
        const { key, displayName } = event.data;
        await putDefinition(this.documents, stored, key, (current) => current && { ...current, displayName, updatedDate: event.occurredAt }, false);
        return;
      }
      case FIELD_EVENT_TYPES.deleted:
        await putDefinition(this.documents, stored, event.data.key, (current) => current, true);
        return;
    }
  }
}
