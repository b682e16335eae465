import { CATALOG_INDEXES, CatalogDocument, putDefinition } from '@cp/catalog-application';
import { EventStore, RecordedEvent, recordOf } from '@cp/event-store';
import { LABEL_EVENT_TYPES, LabelDefinition, LabelEventRecord } from '@cp/labels-domain';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { LABELS_SERVICE, LABELS_STREAM_PREFIX } from './labels-stream';

/** The labels read model: one document per label of a site (`<siteKey>:<key>`). */
export const LABELS_COLLECTION = 'labels';

/** The version of every document this service's projections write: bump it when one changes (docs/architecture.md, "Versions"). */
export const LABELS_READ_MODEL_VERSION = 1;

export type LabelDocument = CatalogDocument<LabelDefinition>;

/** Projects label events into the read model, as the catalog dates them: system labels undated, the others by their events. */
export class LabelsProjection {
  readonly runner: CheckpointedProjection;
  private readonly documents: ReadCollection<LabelDocument>;

  constructor(events: EventStore, readStore: ReadStore, logger: ProjectionLogger) {
    this.documents = readStore.collection<LabelDocument>(LABELS_COLLECTION);
    this.runner = new CheckpointedProjection(LABELS_SERVICE, events, readStore, (event) => this.apply(event), logger);
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
    if (!stored.streamId.startsWith(LABELS_STREAM_PREFIX)) return;
    const event = recordOf<LabelEventRecord>(stored);
    switch (event.type) {
      case LABEL_EVENT_TYPES.opened:
        for (const label of event.data.system) await putDefinition(this.documents, stored, label.key, () => ({ ...label }), false);
        return;
      case LABEL_EVENT_TYPES.created:
        await putDefinition(this.documents, stored, event.data.key, () => ({ ...event.data, createdDate: event.occurredAt, updatedDate: event.occurredAt }), false);
        return;
      case LABEL_EVENT_TYPES.renamed: {
        const { key, displayName } = event.data;
        await putDefinition(this.documents, stored, key, (current) => current && { ...current, displayName, updatedDate: event.occurredAt }, false);
        return;
      }
      case LABEL_EVENT_TYPES.deleted:
        await putDefinition(this.documents, stored, event.data.key, (current) => current, true);
        return;
    }
  }
}
