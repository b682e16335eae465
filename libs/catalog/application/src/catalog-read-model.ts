import { Dated, Definition } from '@cp/catalog-domain';
import { siteDocumentId } from '@cp/contracts';
import { Document, IndexSpec, ReadCollection, replaceIfUnchanged } from '@cp/read-store';

/** One document per definition of a site; deleted ones stay as tombstones for idempotency. */
export type CatalogDocument<D extends Definition> = Document & {
  siteId: string;
  /** Revision of the catalog stream that last changed this definition. */
  revision: number;
  deleted: boolean;
  definition: Dated<D>;
};

export function catalogDocumentId(siteId: string, key: string): string {
  return siteDocumentId(siteId, key);
}

/** What List and Query read: a site's live definitions, newest first. */
export const CATALOG_INDEXES: IndexSpec[] = [{ keys: { siteId: 1, deleted: 1, 'definition.createdDate': -1 }, name: 'site_created' }];

/**
 * Writes what one catalog event did to one definition. Applied only when the event's stream
 * revision is newer than the document's, so a redelivered event changes nothing; `change`
 * answering undefined (a rename of a definition never created) writes nothing.
 */
export async function putDefinition<D extends Definition>(
  documents: ReadCollection<CatalogDocument<D>>,
  event: { siteId: string; revision: number },
  key: string,
  change: (current: Dated<D> | undefined) => Dated<D> | undefined,
  deleted: boolean,
): Promise<void> {
  const _id = catalogDocumentId(event.siteId, key);
  for (;;) {
    const existing = await documents.findOne({ _id });
    if (existing && existing.revision >= event.revision) return;
    const definition = change(existing?.definition);
    if (!definition) return;
    // Over the revision read: a replica that lost its lease while writing never puts an older definition back.
    if (await replaceIfUnchanged(documents, existing, { _id, siteId: event.siteId, revision: event.revision, deleted, definition })) return;
  }
}
