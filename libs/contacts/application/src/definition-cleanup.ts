import { IntegrationEvent, RequestContext } from '@cp/contracts';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { TimeSlice } from '@cp/event-store';
import { ContactCommands } from './contact-commands';
import { CONTACTS_COLLECTION, ContactDocument, extendedFieldPath } from './contact-read-model';
import { ContactsProjection } from './contacts-projection';
import { Definitions } from './definitions';

const BATCH = 200;

/**
 * Reacts to the labels and extended-fields integration events: updates the local copy of the
 * definitions and, when one is deleted, removes it from every contact of the site — each
 * contact gets its own event and revision. Safe to run again on a redelivered event: contacts
 * that no longer hold the key produce nothing.
 */
export class DefinitionEvents {
  private readonly contacts: ReadCollection<ContactDocument>;

  constructor(
    private readonly definitions: Definitions,
    private readonly commands: ContactCommands,
    private readonly projection: ContactsProjection,
    readStore: ReadStore,
  ) {
    this.contacts = readStore.collection<ContactDocument>(CONTACTS_COLLECTION);
  }

  async onLabelEvent(event: IntegrationEvent): Promise<void> {
    if (await this.definitions.applyLabelEvent(event)) {
      await this.removeEverywhere(event, { 'state.info.labelKeys.items': event.entityId }, { labelKey: event.entityId });
    }
  }

  async onFieldEvent(event: IntegrationEvent): Promise<void> {
    if (await this.definitions.applyFieldEvent(event)) {
      await this.removeEverywhere(event, { [extendedFieldPath(event.entityId)]: { $exists: true } }, { fieldKey: event.entityId });
    }
  }

  private async removeEverywhere(event: IntegrationEvent, holds: Record<string, unknown>, removal: { labelKey?: string; fieldKey?: string }): Promise<void> {
    // The read model must have seen every contact before it can tell which hold the key.
    await this.projection.waitUntilCaughtUp();
    const context: RequestContext = {
      siteId: event.siteId,
      actor: { type: 'SYSTEM', id: `${event.source}:${event.type}` },
      correlationId: event.correlationId ?? event.id,
    };
    const skipped = new Set<string>();
    const slice = new TimeSlice();
    for (;;) {
      const batch = await this.contacts.find({ siteId: event.siteId, deleted: false, ...holds, ...(skipped.size > 0 && { _id: { $nin: [...skipped] } }) }, { limit: BATCH });
      if (batch.length === 0) return;
      for (const doc of batch) {
        await slice.pause(); // a label on every contact of a site must not stall the other requests
        if (!(await this.commands.removeDefinition(context, doc.state.id, removal))) skipped.add(doc._id);
      }
    }
  }
}
