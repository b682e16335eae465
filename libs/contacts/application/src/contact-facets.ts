import { MEMBERSHIP_FIELD, MEMBERSHIP_STATUSES } from '@cp/contacts-domain';
import { PagingMetadata, RequestContext } from '@cp/contracts';
import { conjunction, FieldTable, MongoFilter, resolvePaging, STRING_OPS, translateFilter } from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { CONTACTS_COLLECTION, ContactDocument, extendedFieldPath } from './contact-read-model';
import { DefinitionOwners } from './definitions';

export interface ContactsFacet {
  facetType: 'ALL_CONTACTS' | 'NOT_LABELED' | 'LABEL' | 'SUBSCRIPTION_STATUS' | 'MEMBERSHIP_STATUS';
  namespace?: string;
  namespaceDisplayName?: string;
  facetKey?: string;
  facetDisplayName?: string;
  count: number;
  queryFilter: Record<string, unknown>;
}

const SUBSCRIPTION_STATUSES = ['NOT_SET', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'];
const SUBSCRIPTION_FIELD = 'info.extendedFields.emailSubscriptions.subscriptionStatus';

/** The only filters Query Facets takes (API.md §3.10). */
const FACET_FILTER_FIELDS: FieldTable = {
  fields: {
    'info.extendedFields.emailSubscriptions.effectiveEmail': { path: extendedFieldPath('emailSubscriptions.effectiveEmail'), kind: 'string', operators: ['$exists'] },
    [SUBSCRIPTION_FIELD]: { path: extendedFieldPath('emailSubscriptions.subscriptionStatus'), kind: 'string', operators: ['$eq', '$ne', '$in', '$nin'] },
    'info.extendedFields.emailSubscriptions.deliverabilityStatus': {
      path: extendedFieldPath('emailSubscriptions.deliverabilityStatus'),
      kind: 'string',
      operators: STRING_OPS.filter((op) => op !== '$startsWith' && op !== '$exists'),
    },
  },
};

/**
 * Contact counts per facet: all contacts, not labelled, each label of the site, each email
 * subscription status and each membership status. Counted on the read model when asked, so they
 * are right as soon as a command returns (commands wait for the projection).
 */
export class ContactFacets {
  private readonly contacts: ReadCollection<ContactDocument>;

  constructor(
    readStore: ReadStore,
    private readonly owners: DefinitionOwners,
  ) {
    this.contacts = readStore.collection<ContactDocument>(CONTACTS_COLLECTION);
  }

  async list(context: RequestContext, payload: { filter?: Record<string, unknown>; paging?: { limit?: number | string; offset?: number | string } }): Promise<{ facets: ContactsFacet[]; pagingMetadata: PagingMetadata }> {
    const { limit, offset } = resolvePaging(payload.paging, { limit: 1000, max: 1000 });
    const narrowing = translateFilter(payload.filter, FACET_FILTER_FIELDS);
    const count = (clause: MongoFilter) =>
      this.contacts.countDocuments(conjunction([{ siteId: context.siteId, deleted: false }, narrowing, clause]));
    const labels = await this.owners.labels(context);

    const facets: ContactsFacet[] = [
      { facetType: 'ALL_CONTACTS', count: await count({}), queryFilter: {} },
      {
        facetType: 'NOT_LABELED',
        count: await count({ $or: [{ 'state.info.labelKeys.items': { $exists: false } }, { 'state.info.labelKeys.items': { $size: 0 } }] }),
        queryFilter: { 'info.labelKeys': { $exists: false } },
      },
    ];
    for (const label of labels) {
      facets.push({
        facetType: 'LABEL',
        namespace: label.namespace,
        namespaceDisplayName: label.namespaceDisplayName,
        facetKey: label.key,
        facetDisplayName: label.displayName,
        count: await count({ 'state.info.labelKeys.items': label.key }),
        queryFilter: { 'info.labelKeys': { $hasSome: [label.key] } },
      });
    }
    for (const status of SUBSCRIPTION_STATUSES) {
      facets.push({
        facetType: 'SUBSCRIPTION_STATUS',
        facetKey: status,
        facetDisplayName: status,
        count: await count({ [extendedFieldPath('emailSubscriptions.subscriptionStatus')]: status }),
        queryFilter: { [SUBSCRIPTION_FIELD]: { $eq: status } },
      });
    }
    for (const status of MEMBERSHIP_STATUSES) {
      facets.push({
        facetType: 'MEMBERSHIP_STATUS',
        namespace: 'members',
        facetKey: status,
        facetDisplayName: status,
        count: await count({ [extendedFieldPath(MEMBERSHIP_FIELD)]: status }),
        queryFilter: { [`info.extendedFields.${MEMBERSHIP_FIELD}`]: { $eq: status } },
      });
    }
    const page = facets.slice(offset, offset + limit);
    return { facets: page, pagingMetadata: { count: page.length, offset, total: facets.length, tooManyToCount: false } };
  }
}
