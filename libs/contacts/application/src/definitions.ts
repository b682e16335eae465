import { IntegrationEvent, RequestContext, siteDocumentId } from '@cp/contracts';
import { Document, ReadCollection, ReadStore, replaceIfUnchanged } from '@cp/read-store';

/** What the contacts service needs to know of an extended field to check values. */
export interface FieldInfo {
  key: string;
  dataType: 'TEXT' | 'NUMBER' | 'DATE' | 'URL';
  fieldType: 'SYSTEM' | 'USER_DEFINED';
  writable?: boolean;
}

/** Asks the owning service directly: used when the local copy does not know a key yet. */
export interface LabelSummary {
  key: string;
  displayName: string;
  namespace: string;
  namespaceDisplayName: string;
}

export interface DefinitionOwners {
  labelExists(context: RequestContext, key: string): Promise<boolean>;
  /** All labels of the site, for facets. */
  labels(context: RequestContext): Promise<LabelSummary[]>;
  field(context: RequestContext, key: string): Promise<FieldInfo | undefined>;
  /** The key of the label with this display name, created if there is none (imports). */
  findOrCreateLabel(context: RequestContext, displayName: string): Promise<string>;
  /** The extended field with this display name, if any (imports). */
  fieldNamed(context: RequestContext, displayName: string): Promise<FieldInfo | undefined>;
}

interface DefinitionDocument extends Document {
  siteId: string;
  key: string;
  sequence: number;
  deleted: boolean;
  field?: FieldInfo;
}

export const LABEL_DEFINITIONS = 'label_definitions';
export const FIELD_DEFINITIONS = 'field_definitions';

/**
 * The contacts service's own copy of label and field definitions, kept from the labels and
 * extended-fields integration events (at least once; an event older than what the copy holds is
 * ignored). A key the copy does not know — a definition created a moment ago whose event has
 * not arrived — is looked up at its owner before it is refused.
 */
export class Definitions {
  private readonly labels: ReadCollection<DefinitionDocument>;
  private readonly fields: ReadCollection<DefinitionDocument>;

  constructor(
    readStore: ReadStore,
    private readonly owners: DefinitionOwners,
  ) {
    this.labels = readStore.collection<DefinitionDocument>(LABEL_DEFINITIONS);
    this.fields = readStore.collection<DefinitionDocument>(FIELD_DEFINITIONS);
  }

  /** Applies a labels event; true when it deleted a label (the caller then cleans contacts up). */
  async applyLabelEvent(event: IntegrationEvent): Promise<boolean> {
    const deleted = event.type === 'LabelDeleted';
    await this.apply(this.labels, event, deleted, undefined);
    return deleted;
  }

  async applyFieldEvent(event: IntegrationEvent): Promise<boolean> {
    const deleted = event.type === 'ExtendedFieldDeleted';
    const field = event.type === 'ExtendedFieldCreated' ? (event.data as FieldInfo) : undefined;
    await this.apply(this.fields, event, deleted, field && { key: field.key, dataType: field.dataType, fieldType: field.fieldType, writable: field.writable });
    return deleted;
  }

  /** The keys among `keys` that are not labels of the site. */
  async unknownLabels(context: RequestContext, keys: readonly string[]): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    // Read-only: the embedded store then hands out its documents without copying them (every create checks its labels).
    const known = await this.labels.find({ _id: { $in: unique.map((key) => siteDocumentId(context.siteId, key)) } }, { readOnly: true });
    const missing: string[] = [];
    for (const key of unique) {
      const doc = known.find((d) => d.key === key);
      if (doc?.deleted) missing.push(key);
      else if (!doc && !(await this.owners.labelExists(context, key))) missing.push(key);
    }
    return missing;
  }

  async field(context: RequestContext, key: string): Promise<FieldInfo | undefined> {
    const doc = await this.fields.findOne({ _id: siteDocumentId(context.siteId, key) });
    if (doc) return doc.deleted ? undefined : doc.field;
    return this.owners.field(context, key);
  }

  /** Over the sequence it read: two replicas given the same event (a rebalance redelivers it) write it once, never an older one over a newer. */
  private async apply(collection: ReadCollection<DefinitionDocument>, event: IntegrationEvent, deleted: boolean, field: FieldInfo | undefined): Promise<void> {
    const _id = siteDocumentId(event.siteId, event.entityId);
    for (;;) {
      const existing = await collection.findOne({ _id });
      if (existing && existing.sequence >= event.sequence) return;
      const known = field ?? existing?.field;
      const doc = { _id, siteId: event.siteId, key: event.entityId, sequence: event.sequence, deleted, ...(known && { field: known }) };
      if (await replaceIfUnchanged(collection, existing, doc, { version: 'sequence' })) return;
    }
  }
}
