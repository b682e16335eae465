import { ContactInfo, ExtendedFieldValue } from './contact-info';
import { ContactState } from './contact';
import { effectiveEmail, emailKey, EmailStatuses, NO_STATUS, NO_STATUSES } from './email-subscription';

/** The Contact object of the public API (REST names: `id`, `createdDate`, ...). */
export interface ContactView {
  id: string;
  revision: number;
  source: { sourceType: string; appId?: string };
  createdDate: string;
  updatedDate: string;
  lastActivity: { activityDate: string; activityType: string };
  primaryInfo: { email?: string; phone?: string };
  primaryEmail?: { email: string; subscriptionStatus: string; deliverabilityStatus: string };
  primaryPhone?: {
    countryCode?: string;
    e164Phone?: string;
    formattedPhone?: string;
    phone: string;
    subscriptionStatus: string;
  };
  info: ContactInfo;
}

/**
 * Renders the aggregate as the API shows it, with the email subscriptions of its addresses
 * (`statuses`: the subscriptions are not part of the contact, so they do not change its
 * revision). The read-only system extended fields that Wix derives from a contact (display
 * names, email subscription) are derived here too.
 */
export function toContactView(state: ContactState, statuses: EmailStatuses = NO_STATUSES): ContactView {
  const primaryEmail = state.info.emails?.items.find((item) => item.primary);
  const primaryStatus = primaryEmail ? (statuses.get(emailKey(primaryEmail.email)) ?? NO_STATUS) : NO_STATUS;
  const primaryPhone = state.info.phones?.items.find((item) => item.primary);
  return {
    id: state.id,
    revision: state.revision,
    source: state.source,
    createdDate: state.createdDate,
    updatedDate: state.updatedDate,
    lastActivity: state.lastActivity ?? { activityDate: state.createdDate, activityType: 'CONTACT_CREATED' },
    primaryInfo: {
      ...(primaryEmail && { email: primaryEmail.email }),
      ...(primaryPhone && { phone: primaryPhone.phone }),
    },
    ...(primaryEmail && {
      primaryEmail: { email: primaryEmail.email, ...primaryStatus },
    }),
    ...(primaryPhone && {
      primaryPhone: {
        ...(primaryPhone.countryCode && { countryCode: primaryPhone.countryCode }),
        ...(primaryPhone.e164Phone && { e164Phone: primaryPhone.e164Phone, formattedPhone: primaryPhone.formattedPhone }),
        phone: primaryPhone.phone,
        subscriptionStatus: primaryPhone.e164Phone ? 'NOT_SET' : 'NO_SUBSCRIPTION_STATUS',
      },
    }),
    info: withSystemFields(state.info, primaryEmail && { ...primaryStatus, effectiveEmail: effectiveEmail(emailsPrimaryFirst(state.info), statuses) }),
  };
}

/** The contact's addresses, the primary one first. */
export function emailsPrimaryFirst(info: ContactInfo): string[] {
  const items = info.emails?.items ?? [];
  return [...items.filter((item) => item.primary), ...items.filter((item) => !item.primary)].map((item) => item.email);
}

interface EmailSubscriptionFields {
  subscriptionStatus: string;
  deliverabilityStatus: string;
  effectiveEmail?: string;
}

function withSystemFields(info: ContactInfo, subscription: EmailSubscriptionFields | undefined): ContactInfo {
  const system: Record<string, ExtendedFieldValue> = {};
  const first = info.name?.first;
  const last = info.name?.last;
  if (first || last) {
    system['contacts.displayByFirstName'] = [first, last].filter(Boolean).join(' ');
    system['contacts.displayByLastName'] = [last, first].filter(Boolean).join(' ');
  }
  if (subscription) {
    system['emailSubscriptions.subscriptionStatus'] = subscription.subscriptionStatus;
    system['emailSubscriptions.deliverabilityStatus'] = subscription.deliverabilityStatus;
    if (subscription.effectiveEmail) system['emailSubscriptions.effectiveEmail'] = subscription.effectiveEmail;
  }
  const items = { ...system, ...(info.extendedFields?.items ?? {}) };
  return { ...info, ...(Object.keys(items).length > 0 && { extendedFields: { items } }) };
}
