import { Catalog, CatalogEventRecord, CatalogEventTypes, Dated, Definition } from '@cp/catalog-domain';
import { PublicEventType } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { COMPARISON, FieldRule, FieldTable } from '@cp/query';

/** What distinguishes one catalog context (labels, extended fields) from another. */
export interface CatalogSpec<D extends Definition> {
  /** Service name, also the integration events' `source`. */
  name: string;
  /** Stream of a site's catalog: `<streamPrefix><siteId>`. */
  streamPrefix: string;
  eventTypes: CatalogEventTypes;
  evolve(state: Catalog<D>, event: CatalogEventRecord<D>): Catalog<D>;
  /** Events that open a site's catalog with its system definitions (none once opened). */
  open(state: Catalog<D>): { type: string; data: unknown }[];
  notFound(key: string): AppError;
  collection: string;
  fields: FieldTable;
  /** The definition property List filters by type on (`labelType`, `fieldType`). */
  typeProperty: string;
  paging: { limit: number; max: number };
  /** A definition as the REST API shows it (Get, List, Query, and the public events' entity). */
  toApi(definition: Dated<D>): unknown;
  /** Its public events (docs/events.md, "Public events"). */
  publicEvents: {
    topic: string;
    entityFqdn: string;
    eventTypes: { created: PublicEventType; updated: PublicEventType; deleted: PublicEventType };
  };
}

/** A query-table rule for a definition property (documents keep the definition under `definition`). */
export function definitionField(property: string, kind: FieldRule['kind'], operators: FieldRule['operators'], sortable = false): FieldRule {
  return { path: `definition.${property}`, kind, operators, sortable };
}

/** The fields every catalog (labels §7.3, extended fields §8.3) filters and sorts on. */
export const COMMON_DEFINITION_FIELDS: FieldTable['fields'] = {
  key: definitionField('key', 'string', ['$eq', '$ne', '$in']),
  displayName: definitionField('displayName', 'string', ['$eq', '$ne', '$in', '$startsWith'], true),
  createdDate: definitionField('createdDate', 'date', COMPARISON, true),
  updatedDate: definitionField('updatedDate', 'date', COMPARISON, true),
  namespace: definitionField('namespace', 'string', ['$eq', '$ne']),
};
