import { ContactState, createContact, EmailStatus, fold, MEMBERSHIP_STATUSES } from '@cp/contacts-domain';
import { InMemoryEventStore } from '@cp/event-store';
import { SYSTEM_FIELDS } from '@cp/extended-fields-domain';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactFacets, ContactsFacet } from './contact-facets';
import { ContactQueries } from './contact-queries';
import { CONTACTS_COLLECTION, ContactDocument, toContactDocument } from './contact-read-model';
import { ContactRepository } from './contact-repository';
import { DefinitionOwners, Definitions } from './definitions';
import { expectError, siteA } from './test/contacts-test-kit';

const siteB = { ...siteA, siteId: 'site-b' };

/** The labels service's answer for the site, and the extended fields a facet's filter may name (all system fields). */
const owners: DefinitionOwners = {
  labelExists: async () => true,
  labels: async () => [
    { key: 'custom.vip', displayName: 'VIP', namespace: 'custom', namespaceDisplayName: 'Custom' },
    { key: 'contacts.customers', displayName: 'Customers', namespace: 'contacts', namespaceDisplayName: 'Contacts' },
  ],
  field: async (_context, key) => SYSTEM_FIELDS.find((field) => field.key === key),
  findOrCreateLabel: async () => {
    throw new Error('not used here');
  },
  fieldNamed: async () => undefined,
};

let seq = 0;
function state(id: string, info: Record<string, unknown>): ContactState {
  return fold(createContact(undefined, { contactId: id, info }, () => `${id}-item`).map((event) => ({ ...event, occurredAt: '2024-05-01T10:00:00.000Z' })))!;
}
/** A contact as the projection stores it, its address's subscription status given. */
function doc(siteId: string, id: string, info: Record<string, unknown>, status?: EmailStatus['subscriptionStatus'], deliverability: EmailStatus['deliverabilityStatus'] = 'VALID'): ContactDocument {
  const contact = state(id, info);
  const email = (info.emails as { items: { email: string }[] } | undefined)?.items[0].email;
  const statuses = new Map(email && status ? [[email.toLowerCase(), { subscriptionStatus: status, deliverabilityStatus: deliverability }]] : []);
  return toContactDocument(siteId, contact, ++seq, statuses);
}
const email = (address: string) => ({ emails: { items: [{ email: address }] } });
const labels = (...keys: string[]) => ({ labelKeys: { items: keys } });
const membership = (status: string) => ({ extendedFields: { items: { 'members.membershipStatus': status } } });

describe('ContactFacets', () => {
  let reads: EmbeddedReadStore;
  let facets: ContactFacets;

  beforeEach(async () => {
    reads = new EmbeddedReadStore();
    facets = new ContactFacets(reads, owners);
    const deleted = { ...doc('site-a', 'gone', { ...email('gone@example.com'), ...labels('custom.vip') }, 'SUBSCRIBED'), deleted: true };
    const contacts = reads.collection<ContactDocument>(CONTACTS_COLLECTION);
    for (const contact of [
      doc('site-a', 'ada', { ...email('ada@example.com'), ...labels('custom.vip', 'contacts.customers') }, 'SUBSCRIBED'),
      doc('site-a', 'grace', { ...email('grace@example.com'), ...labels('custom.vip') }, 'UNSUBSCRIBED'),
      doc('site-a', 'alan', { ...email('alan@example.com'), ...membership('APPROVED') }),
      doc('site-a', 'kay', { ...email('kay@example.com'), ...membership('PENDING') }, 'SUBSCRIBED', 'BOUNCED'),
      doc('site-a', 'phone-only', { phones: { items: [{ phone: '+14155550100' }] } }),
      deleted,
      doc('site-b', 'elsewhere', { ...email('ada@example.com'), ...labels('custom.vip') }, 'SUBSCRIBED'),
    ]) {
      await contacts.insertOne(contact);
    }
  });

  const counts = (list: ContactsFacet[]) => Object.fromEntries(list.map((facet) => [`${facet.facetType}:${facet.facetKey ?? ''}`, facet.count]));

  it('lists all contacts, not labelled, each label of the site, each subscription and each membership status, in that order', async () => {
    const { facets: list } = await facets.list(siteA, {});
    expect(list.map((facet) => `${facet.facetType}:${facet.facetKey ?? ''}`)).toEqual([
      'ALL_CONTACTS:',
      'NOT_LABELED:',
      'LABEL:custom.vip',
      'LABEL:contacts.customers',
      ...['NOT_SET', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'].map((status) => `SUBSCRIPTION_STATUS:${status}`),
      ...MEMBERSHIP_STATUSES.map((status) => `MEMBERSHIP_STATUS:${status}`),
    ]);
    expect(list.find((facet) => facet.facetKey === 'contacts.customers')).toEqual({
      facetType: 'LABEL',
      namespace: 'contacts',
      namespaceDisplayName: 'Contacts',
      facetKey: 'contacts.customers',
      facetDisplayName: 'Customers',
      count: 1,
      queryFilter: { 'info.labelKeys': { $hasSome: ['contacts.customers'] } },
    });
    expect(list.find((facet) => facet.facetKey === 'APPROVED')).toMatchObject({ namespace: 'members', facetDisplayName: 'APPROVED' });
  });

  it('counts the live contacts of the caller\'s site only', async () => {
    expect(counts((await facets.list(siteA, {})).facets)).toEqual({
      'ALL_CONTACTS:': 5,
      'NOT_LABELED:': 3,
      'LABEL:custom.vip': 2,
      'LABEL:contacts.customers': 1,
      'SUBSCRIPTION_STATUS:NOT_SET': 1,
      'SUBSCRIPTION_STATUS:PENDING': 0,
      'SUBSCRIPTION_STATUS:SUBSCRIBED': 2,
      'SUBSCRIPTION_STATUS:UNSUBSCRIBED': 1,
      'MEMBERSHIP_STATUS:APPROVED': 1,
      'MEMBERSHIP_STATUS:PENDING': 1,
      'MEMBERSHIP_STATUS:DENIED': 0,
      'MEMBERSHIP_STATUS:INACTIVE': 0,
    });
    expect(counts((await facets.list(siteB, {})).facets)).toMatchObject({ 'ALL_CONTACTS:': 1, 'NOT_LABELED:': 0, 'LABEL:custom.vip': 1 });
  });

  it('narrows every count by the email-subscription filters it takes', async () => {
    const narrowed = async (filter: Record<string, unknown>) => counts((await facets.list(siteA, { filter })).facets);
    // kay's address bounced and grace unsubscribed: neither has an effective email.
    expect(await narrowed({ 'info.extendedFields.emailSubscriptions.effectiveEmail': { $exists: true } })).toMatchObject({ 'ALL_CONTACTS:': 2, 'LABEL:custom.vip': 1, 'MEMBERSHIP_STATUS:APPROVED': 1 });
    expect(await narrowed({ 'info.extendedFields.emailSubscriptions.subscriptionStatus': { $in: ['SUBSCRIBED'] } })).toMatchObject({ 'ALL_CONTACTS:': 2, 'SUBSCRIPTION_STATUS:UNSUBSCRIBED': 0 });
    expect(await narrowed({ 'info.extendedFields.emailSubscriptions.deliverabilityStatus': 'BOUNCED' })).toMatchObject({ 'ALL_CONTACTS:': 1, 'MEMBERSHIP_STATUS:PENDING': 1 });
  });

  it('refuses any other filter, and an operator its field does not take, naming the field', async () => {
    const other = await expectError(facets.list(siteA, { filter: { 'info.name.first': 'Ada' } }), 'INVALID_ARGUMENT');
    expect(other.message).toMatch(/info\.name\.first/);
    const operator = await expectError(facets.list(siteA, { filter: { 'info.extendedFields.emailSubscriptions.effectiveEmail': { $eq: 'ada@example.com' } } }), 'INVALID_ARGUMENT');
    expect(operator.message).toMatch(/effectiveEmail/);
  });

  it('pages the facets, the total counting them all', async () => {
    const page = await facets.list(siteA, { paging: { limit: 2, offset: 1 } });
    expect(page.facets.map((facet) => facet.facetType)).toEqual(['NOT_LABELED', 'LABEL']);
    expect(page.pagingMetadata).toEqual({ count: 2, offset: 1, total: 12, tooManyToCount: false });
    await expectError(facets.list(siteA, { paging: { limit: 1001 } }), 'INVALID_ARGUMENT');
  });

  it('gives each facet a queryFilter under which Query Contacts finds the contacts it counted', async () => {
    const queries = new ContactQueries(reads, new ContactRepository(new InMemoryEventStore()), new Definitions(reads, owners));
    for (const facet of (await facets.list(siteA, {})).facets) {
      const found = await queries.query(siteA, { filter: facet.queryFilter });
      // The facet named beside its total, so a failure says which facet is off.
      expect([`${facet.facetType}:${facet.facetKey ?? ''}`, found.contacts.length]).toEqual([`${facet.facetType}:${facet.facetKey ?? ''}`, facet.count]);
    }
  });
});
