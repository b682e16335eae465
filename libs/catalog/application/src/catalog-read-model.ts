import { Dated, Definition } from '@cp/catalog-domain';
import { siteDocumentId } from '@cp/contracts';
import { Document } from '@cp/read-store';

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
