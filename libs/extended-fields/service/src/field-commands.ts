import { RequestContext } from '@cp/contracts';
import { EventStore, handleCommand } from '@cp/event-store';
import { decideFields, evolveFieldCatalog, ExtendedField, FieldCatalog, FieldCommand, FieldEvent, foundOrCreatedField } from '@cp/extended-fields-domain';
import { FieldsProjection } from './fields-projection';
import { fieldsStream, foldFieldEvents } from './fields-stream';

/**
 * The extended-field catalog's commands, each decided by `decideFields` through
 * `handleCommand`: a decision that lost to a concurrent writer is taken again on what it wrote,
 * so concurrent Find Or Create calls of one name make one field, the later callers finding it.
 */
export class FieldCommands {
  /** Sites whose catalog this process has seen opened: a read opens a catalog only once. */
  private readonly openedSites = new Set<string>();

  constructor(
    private readonly store: EventStore,
    /** A command returns once the read model shows it, so the caller's next read does. */
    private readonly projection: Pick<FieldsProjection, 'waitFor'>,
  ) {}

  async findOrCreate(context: RequestContext, displayName: unknown, dataType: unknown): Promise<{ field: ExtendedField; newField: boolean }> {
    const { events, after } = await this.handle(context, { type: 'FindOrCreateField', data: { displayName, dataType } });
    return foundOrCreatedField(after, events, displayName);
  }

  async rename(context: RequestContext, key: string, displayName: unknown): Promise<{ field: ExtendedField | undefined }> {
    const { after } = await this.handle(context, { type: 'RenameField', data: { key, displayName } });
    return { field: after.entries.get(key) };
  }

  async delete(context: RequestContext, key: string): Promise<void> {
    await this.handle(context, { type: 'DeleteField', data: { key } });
  }

  /** Every site sees the system fields: its catalog is opened before its first read. */
  async ensureOpened(context: RequestContext): Promise<void> {
    if (this.openedSites.has(context.siteId)) return;
    await this.handle(context, { type: 'OpenFieldCatalog' });
  }

  /** Decides, appends, and returns once the read model shows the outcome; `after` is the catalog after the decision. */
  private async handle(context: RequestContext, command: FieldCommand): Promise<{ events: FieldEvent[]; after: FieldCatalog }> {
    const occurredAt = new Date().toISOString();
    const { result, appended } = await handleCommand(
      this.store,
      fieldsStream(context.siteId),
      foldFieldEvents,
      (state) => {
        const events = decideFields(command, state);
        const after = events.reduce((catalog, event) => evolveFieldCatalog(catalog, { ...event, occurredAt }), state);
        return { events, result: { events, after } };
      },
      { metadata: () => ({ siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor }), subject: "the site's catalog" },
    );
    if (appended) await this.projection.waitFor(appended.position);
    this.openedSites.add(context.siteId);
    return result;
  }
}
