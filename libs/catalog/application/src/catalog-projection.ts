import { Definition } from '@cp/catalog-domain';
import { EventStore, RecordedEvent } from '@cp/event-store';
import { CheckpointedProjection, ProjectionLogger } from '@cp/projection';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { CatalogDocument, catalogDocumentId } from './catalog-read-model';
import { CatalogSpec } from './catalog-spec';

/**
 * Projects catalog events into one document per definition. A change is applied only when its
 * stream revision is newer than the document's, so redelivered events change nothing.
 */
export class CatalogProjection<D extends Definition> {
  private readonly collection: ReadCollection<CatalogDocument<D>>;
  readonly runner: CheckpointedProjection;

  constructor(
    private readonly spec: CatalogSpec<D>,
    events: EventStore,
    readStore: ReadStore,
    logger: ProjectionLogger,
  ) {
    this.collection = readStore.collection<CatalogDocument<D>>(spec.collection);
    this.runner = new CheckpointedProjection(spec.name, events, readStore, (event) => this.apply(event), logger);
  }

  async start(): Promise<void> {
    await this.collection.createIndexes([{ keys: { siteId: 1, deleted: 1, 'definition.createdDate': -1 }, name: 'site_created' }]);
    await this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  private async apply(event: RecordedEvent): Promise<void> {
    if (!event.streamId.startsWith(this.spec.streamPrefix)) return;
    const types = this.spec.eventTypes;
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case types.opened:
        for (const definition of data.system as D[]) await this.put(event, definition.key, () => ({ ...definition }), false);
        return;
      case types.created:
        await this.put(event, (data as unknown as D).key, () => ({ ...(data as unknown as D), createdDate: event.occurredAt, updatedDate: event.occurredAt }), false);
        return;
      case types.renamed:
        await this.put(event, data.key as string, (current) => current && { ...current, displayName: data.displayName as string, updatedDate: event.occurredAt }, false);
        return;
      case types.deleted:
        await this.put(event, data.key as string, (current) => current, true);
        return;
    }
  }

  private async put(
    event: RecordedEvent,
    key: string,
    change: (current: CatalogDocument<D>['definition'] | undefined) => CatalogDocument<D>['definition'] | undefined,
    deleted: boolean,
  ): Promise<void> {
    const _id = catalogDocumentId(event.siteId, key);
    const existing = await this.collection.findOne({ _id });
    if (existing && existing.revision >= event.revision) return;
    const definition = change(existing?.definition);
    if (!definition) return;
    await this.collection.replaceOne({ _id }, { _id, siteId: event.siteId, revision: event.revision, deleted, definition }, { upsert: true });
  }
}
