import { EmailStatus, EmailStatuses, emailKey, EmailSubscriptionState, NO_STATUS } from '@cp/contacts-domain';
import { EmailSubscriptionView, siteDocumentId } from '@cp/contracts';
import { Document, IndexSpec, ReadCollection } from '@cp/read-store';

/** One document per (site, lowercased address), kept by the contacts projection beside the contacts. */
export interface EmailSubscriptionDocument extends Document {
  siteId: string;
  /** Lowercased: what Query's `email: { $in }` and the contacts' addresses compare on. */
  email: string;
  revision: number;
  subscription: EmailSubscriptionState;
}

export const EMAIL_SUBSCRIPTIONS_COLLECTION = 'email_subscriptions';

export const EMAIL_SUBSCRIPTION_INDEXES: IndexSpec[] = [{ keys: { siteId: 1, 'subscription.createdDate': -1, email: 1 }, name: 'site_created', sortOnly: true }];

export function emailSubscriptionDocumentId(siteId: string, email: string): string {
  return siteDocumentId(siteId, emailKey(email));
}

export function toSubscriptionView(state: EmailSubscriptionState): EmailSubscriptionView {
  return {
    id: state.id,
    email: state.email,
    subscriptionStatus: state.subscriptionStatus,
    deliverabilityStatus: state.deliverabilityStatus,
    createdDate: state.createdDate,
    updatedDate: state.updatedDate,
  };
}

/**
 * A contact document keeps the statuses of its addresses that are not NOT_SET/NOT_SET
 * (most are), lowercased, so queries and views read them without a join.
 */
export interface StoredEmailStatus extends EmailStatus {
  email: string;
}

export function storedStatuses(statuses: EmailStatuses): StoredEmailStatus[] {
  const stored: StoredEmailStatus[] = [];
  for (const [email, status] of statuses) {
    if (status.subscriptionStatus !== NO_STATUS.subscriptionStatus || status.deliverabilityStatus !== NO_STATUS.deliverabilityStatus) stored.push({ email, ...status });
  }
  return stored;
}

export function statusesOf(stored: readonly StoredEmailStatus[] | undefined): EmailStatuses {
  return new Map((stored ?? []).map(({ email, subscriptionStatus, deliverabilityStatus }) => [email, { subscriptionStatus, deliverabilityStatus }]));
}

/** The statuses of some addresses of a site, from the read model (an address without a subscription is left out: NOT_SET). */
export async function readStatuses(subscriptions: ReadCollection<EmailSubscriptionDocument>, siteId: string, emails: readonly string[]): Promise<EmailStatuses> {
  const statuses = new Map<string, EmailStatus>();
  // By id, one at a time: a contact has one or two addresses, and a look-up by id is the stores' fastest read.
  for (const id of new Set(emails.map((email) => emailSubscriptionDocumentId(siteId, email)))) {
    const doc = await subscriptions.findOne({ _id: id }, { readOnly: true });
    if (doc) statuses.set(doc.email, { subscriptionStatus: doc.subscription.subscriptionStatus, deliverabilityStatus: doc.subscription.deliverabilityStatus });
  }
  return statuses;
}
