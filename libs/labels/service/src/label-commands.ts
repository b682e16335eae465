import { RequestContext } from '@cp/contracts';
import { EventStore, handleCommand } from '@cp/event-store';
import { decideLabels, evolveLabelCatalog, foundOrCreatedLabel, Label, LabelCatalog, LabelCommand, LabelEvent } from '@cp/labels-domain';
import { LabelsProjection } from './labels-projection';
import { foldLabelEvents, labelsStream } from './labels-stream';

/**
 * The label catalog's commands, each decided by `decideLabels` through `handleCommand`: a
 * decision that lost to a concurrent writer is taken again on what it wrote, so concurrent Find
 * Or Create calls of one name make one label, the later callers finding it.
 */
export class LabelCommands {
  /** Sites whose catalog this process has seen opened: a read opens a catalog only once. */
  private readonly openedSites = new Set<string>();

  constructor(
    private readonly store: EventStore,
    /** A command returns once the read model shows it, so the caller's next read does. */
    private readonly projection: Pick<LabelsProjection, 'waitFor'>,
    private readonly quota: number,
  ) {}

  async findOrCreate(context: RequestContext, displayName: unknown): Promise<{ label: Label; newLabel: boolean }> {
    const { events, after } = await this.handle(context, { type: 'FindOrCreateLabel', data: { displayName, quota: this.quota } });
    return foundOrCreatedLabel(after, events, displayName);
  }

  async rename(context: RequestContext, key: string, displayName: unknown): Promise<{ label: Label | undefined }> {
    const { after } = await this.handle(context, { type: 'RenameLabel', data: { key, displayName } });
    return { label: after.entries.get(key) };
  }

  async delete(context: RequestContext, key: string): Promise<void> {
    await this.handle(context, { type: 'DeleteLabel', data: { key } });
  }

  /** Every site sees the system labels: its catalog is opened before its first read. */
  async ensureOpened(context: RequestContext): Promise<void> {
    if (this.openedSites.has(context.siteId)) return;
    await this.handle(context, { type: 'OpenLabelCatalog' });
  }

  /** Decides, appends, and returns once the read model shows the outcome; `after` is the catalog after the decision. */
  private async handle(context: RequestContext, command: LabelCommand): Promise<{ events: LabelEvent[]; after: LabelCatalog }> {
    const occurredAt = new Date().toISOString();
    const { result, appended } = await handleCommand(
      this.store,
      labelsStream(context.siteId),
      foldLabelEvents,
      (state) => {
        const events = decideLabels(command, state);
        const after = events.reduce((catalog, event) => evolveLabelCatalog(catalog, { ...event, occurredAt }), state);
        return { events, result: { events, after } };
      },
      { metadata: () => ({ siteId: context.siteId, occurredAt, correlationId: context.correlationId, actor: context.actor }), subject: "the site's catalog" },
    );
    if (appended) await this.projection.waitFor(appended.position);
    this.openedSites.add(context.siteId);
    return result;
  }
}
