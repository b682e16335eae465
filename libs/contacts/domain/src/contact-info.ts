/**
 * The contact's `info` exactly as it travels on the wire (Contacts v4): repeated collections are
 * wrapped as `{ items }`. Stored events carry the normalized form of this shape.
 */
export type EmailTag = 'UNTAGGED' | 'MAIN' | 'HOME' | 'WORK';
export type PhoneTag = 'UNTAGGED' | 'MAIN' | 'HOME' | 'MOBILE' | 'WORK' | 'FAX';
export type AddressTag = 'UNTAGGED' | 'HOME' | 'WORK' | 'BILLING' | 'SHIPPING';

export const EMAIL_TAGS: readonly EmailTag[] = ['UNTAGGED', 'MAIN', 'HOME', 'WORK'];
export const PHONE_TAGS: readonly PhoneTag[] = ['UNTAGGED', 'MAIN', 'HOME', 'MOBILE', 'WORK', 'FAX'];
export const ADDRESS_TAGS: readonly AddressTag[] = ['UNTAGGED', 'HOME', 'WORK', 'BILLING', 'SHIPPING'];

export interface ContactName {
  first?: string;
  last?: string;
}

export interface ContactEmail {
  id?: string;
  tag?: EmailTag;
  email: string;
  primary?: boolean;
}

export interface ContactPhone {
  id?: string;
  tag?: PhoneTag;
  countryCode?: string;
  phone: string;
  e164Phone?: string;
  formattedPhone?: string;
  primary?: boolean;
}

export interface StreetAddress {
  number?: string;
  name?: string;
  apt?: string;
}

export interface Address {
  streetAddress?: StreetAddress;
  /** Wire name of the first address line (the SDK calls it `addressLine1`). */
  addressLine?: string;
  addressLine2?: string;
  city?: string;
  subdivision?: string;
  country?: string;
  postalCode?: string;
  formattedAddress?: string;
  geocode?: { latitude: number; longitude: number };
}

export interface ContactAddress {
  id?: string;
  tag?: AddressTag;
  address: Address;
}

export type ExtendedFieldValue = string | number | boolean | null;

export interface ContactPicture {
  image?: string | Record<string, unknown>;
  imageProvider?: string;
}

export interface ContactInfo {
  name?: ContactName;
  emails?: { items: ContactEmail[] };
  phones?: { items: ContactPhone[] };
  addresses?: { items: ContactAddress[] };
  company?: string;
  jobTitle?: string;
  birthdate?: string;
  locale?: string;
  labelKeys?: { items: string[] };
  extendedFields?: { items: Record<string, ExtendedFieldValue> };
  picture?: ContactPicture;
  locations?: { items: string[] };
}

/** The top-level `info` keys; an update replaces exactly the keys it carries. */
export const CONTACT_INFO_KEYS = [
  'name',
  'emails',
  'phones',
  'addresses',
  'company',
  'jobTitle',
  'birthdate',
  'locale',
  'labelKeys',
  'extendedFields',
  'picture',
  'locations',
] as const satisfies readonly (keyof ContactInfo)[];

export type ContactInfoKey = (typeof CONTACT_INFO_KEYS)[number];
