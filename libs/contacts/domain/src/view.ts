import { ContactInfo, ExtendedFieldValue } from './contact-info';
import { ContactState } from './contact';

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
 * Renders the aggregate as the API shows it. The read-only system extended fields that Wix
 * derives from a contact (display names, email subscription) are derived here too.
 */
export function toContactView(state: ContactState): ContactView {
  const primaryEmail = state.info.emails?.items.find((item) => item.primary);
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
      primaryEmail: { email: primaryEmail.email, subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'NOT_SET' },
    }),
    ...(primaryPhone && {
      primaryPhone: {
        ...(primaryPhone.countryCode && { countryCode: primaryPhone.countryCode }),
        ...(primaryPhone.e164Phone && { e164Phone: primaryPhone.e164Phone, formattedPhone: primaryPhone.formattedPhone }),
        phone: primaryPhone.phone,
        subscriptionStatus: primaryPhone.e164Phone ? 'NOT_SET' : 'NO_SUBSCRIPTION_STATUS',
      },
    }),
    info: withSystemFields(state.info, primaryEmail?.email),
  };
}

function withSystemFields(info: ContactInfo, primaryEmail: string | undefined): ContactInfo {
  const system: Record<string, ExtendedFieldValue> = {};
  const first = info.name?.first;
  const last = info.name?.last;
  if (first || last) {
    system['contacts.displayByFirstName'] = [first, last].filter(Boolean).join(' ');
    system['contacts.displayByLastName'] = [last, first].filter(Boolean).join(' ');
  }
  if (primaryEmail) {
    system['emailSubscriptions.subscriptionStatus'] = 'NOT_SET';
    system['emailSubscriptions.deliverabilityStatus'] = 'NOT_SET';
    system['emailSubscriptions.effectiveEmail'] = primaryEmail;
  }
  const items = { ...system, ...(info.extendedFields?.items ?? {}) };
  return { ...info, ...(Object.keys(items).length > 0 && { extendedFields: { items } }) };
}
