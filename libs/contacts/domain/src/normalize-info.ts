import { AppError, FieldViolation } from '@cp/errors';
import { parsePhoneNumberFromString, CountryCode } from 'libphonenumber-js/max';
import {
  ADDRESS_TAGS,
  ContactAddress,
  ContactEmail,
  ContactInfo,
  ContactInfoKey,
  ContactPhone,
  CONTACT_INFO_KEYS,
  EMAIL_TAGS,
  PHONE_TAGS,
} from './contact-info';
import { MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES, MAX_TEXT_LENGTH } from './limits';
import { hasControlInIdentifier, hasControlInText, isObject, unknownKeys, WIRE_KEYS, WireKeys, wrappedList } from './wire-shape';

/** Generates ids for new email, phone and address items. Injected so the domain stays deterministic. */
export type IdGenerator = () => string;

const EMAIL_PATTERN = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/;

/** An email address as contacts and email subscriptions accept it (already trimmed). */
export function isValidEmail(email: string): boolean {
  return EMAIL_PATTERN.test(email) && email.length <= 254 && !hasControlInIdentifier(email);
}
const BIRTHDATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;

/**
 * Validates and normalizes the `info` keys a request carries: trims text, assigns item ids
 * (keeping the ids of items the contact already has), makes exactly one email and one phone
 * primary, and derives E.164 phone numbers. Throws one INVALID_ARGUMENT listing every violation:
 * a value of the wrong shape, a key the wire types do not have (see wire-shape.ts) or a control
 * character is refused, never dropped.
 *
 * Only the keys present in `input` are returned; keys explicitly set to null or an empty value
 * come back as `undefined` so that an update clears them.
 */
export function normalizeInfoPatch(
  input: Record<string, unknown>,
  previous: ContactInfo | undefined,
  newId: IdGenerator,
): Partial<Record<ContactInfoKey, unknown>> {
  const violations: FieldViolation[] = [];
  const out: Partial<Record<ContactInfoKey, unknown>> = {};
  const violate = (field: string, description: string, rule = 'INVALID_ARGUMENT') =>
    violations.push({ field: `info.${field}`, description, violatedRule: rule });

  for (const key of Object.keys(input)) {
    if (!(CONTACT_INFO_KEYS as readonly string[]).includes(key)) violate(key, 'is not a contact info field');
  }

  for (const key of CONTACT_INFO_KEYS) {
    if (!(key in input)) continue;
    const value = input[key];
    if (value === null || value === undefined) {
      out[key] = undefined;
      continue;
    }
    switch (key) {
      case 'name':
        out.name = normalizeName(value, violate);
        break;
      case 'emails':
        out.emails = wrap(normalizeEmails(items(value, 'emails', violate), previous?.emails?.items ?? [], newId, violate));
        break;
      case 'phones':
        out.phones = wrap(normalizePhones(items(value, 'phones', violate), previous?.phones?.items ?? [], newId, violate));
        break;
      case 'addresses':
        out.addresses = wrap(
          normalizeAddresses(items(value, 'addresses', violate), previous?.addresses?.items ?? [], newId, violate),
        );
        break;
      case 'birthdate':
        out.birthdate = normalizeBirthdate(value, violate);
        break;
      case 'company':
      case 'jobTitle':
      case 'locale':
        out[key] = text(value, key, violate);
        break;
      case 'labelKeys':
      case 'locations':
        out[key] = wrap(uniqueStrings(items(value, key, violate), key, violate));
        break;
      case 'extendedFields':
        out.extendedFields = normalizeExtendedFields(value, violate);
        break;
      case 'picture':
        out.picture = normalizePicture(value, violate);
        break;
    }
  }

  if (violations.length > 0) throw AppError.invalid(violations);
  return out;
}

type Violate = (field: string, description: string, rule?: string) => void;

function wrap<T>(list: T[] | undefined): { items: T[] } | undefined {
  return list && list.length > 0 ? { items: list } : undefined;
}

function items(value: unknown, field: string, violate: Violate): unknown[] {
  if (isObject(value)) refuseUnknownKeys(value, WIRE_KEYS.wrapper, field, violate);
  const list = wrappedList(value);
  if (list !== undefined) return list;
  if (isObject(value)) violate(`${field}.items`, 'must be an array');
  else violate(field, 'must be an object { items: [...] }');
  return [];
}

function refuseUnknownKeys(value: Record<string, unknown>, keys: WireKeys, field: string, violate: Violate): void {
  for (const key of unknownKeys(value, keys)) violate(`${field}.${key}`, 'is not a field of this object');
}

function text(value: unknown, field: string, violate: Violate): string | undefined {
  if (typeof value !== 'string') {
    violate(field, 'must be a string');
    return undefined;
  }
  if (hasControlInText(value)) violate(field, 'must not contain control characters', 'FORMAT');
  const trimmed = value.trim();
  if (trimmed.length > MAX_TEXT_LENGTH) violate(field, `must be at most ${MAX_TEXT_LENGTH} characters`, 'MAX_LENGTH');
  return trimmed === '' ? undefined : trimmed;
}

/** `primary` is a boolean (or null, meaning false); anything else is a mistake worth naming. */
function primaryFlag(value: unknown, field: string, violate: Violate): boolean {
  if (value !== undefined && value !== null && typeof value !== 'boolean') violate(field, 'must be a boolean');
  return value === true;
}

/** An item id is a string the server issued (or null); a number or object is a mistake. */
function checkItemId(value: unknown, field: string, violate: Violate): void {
  if (value !== undefined && value !== null && typeof value !== 'string') violate(field, 'must be a string');
}

function normalizeName(value: unknown, violate: Violate) {
  if (!isObject(value)) {
    violate('name', 'must be an object with first and last');
    return undefined;
  }
  refuseUnknownKeys(value, WIRE_KEYS.name, 'name', violate);
  const first = value.first == null ? undefined : text(value.first, 'name.first', violate);
  const last = value.last == null ? undefined : text(value.last, 'name.last', violate);
  if (first === undefined && last === undefined) return undefined;
  return { ...(first !== undefined && { first }), ...(last !== undefined && { last }) };
}

function pickTag<T extends string>(value: unknown, allowed: readonly T[], field: string, violate: Violate): T {
  if (value === undefined || value === null) return allowed[0];
  if (!allowed.includes(value as T)) violate(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Keeps the id of a previous item when the caller sends it back, otherwise issues a new one. */
function itemId(candidate: unknown, previousIds: Set<string>, newId: IdGenerator): string {
  return typeof candidate === 'string' && previousIds.has(candidate) ? candidate : newId();
}

/** The first item flagged primary wins; with none flagged, the first item is primary. */
function assignPrimary<T extends { primary?: boolean }>(list: T[]): T[] {
  const primaryIndex = Math.max(
    0,
    list.findIndex((item) => item.primary === true),
  );
  return list.map((item, index) => ({ ...item, primary: index === primaryIndex }));
}

function normalizeEmails(raw: unknown[], previous: ContactEmail[], newId: IdGenerator, violate: Violate) {
  if (raw.length > MAX_EMAILS) violate('emails.items', `at most ${MAX_EMAILS} emails`, 'MAX_SIZE');
  const previousIds = new Set(previous.map((e) => e.id!).filter(Boolean));
  const seen = new Set<string>();
  const result: ContactEmail[] = [];
  raw.forEach((item, i) => {
    const field = `emails.items[${i}]`;
    if (!isObject(item)) return violate(field, 'must be an object');
    refuseUnknownKeys(item, WIRE_KEYS.email, field, violate);
    checkItemId(item.id, `${field}.id`, violate);
    const email = typeof item.email === 'string' ? item.email.trim() : '';
    if (!isValidEmail(email)) {
      return violate(`${field}.email`, 'must be a valid email address', 'FORMAT');
    }
    const tag = pickTag(item.tag, EMAIL_TAGS, `${field}.tag`, violate);
    const primary = primaryFlag(item.primary, `${field}.primary`, violate);
    if (seen.has(email.toLowerCase())) return; // the same address twice is one address
    seen.add(email.toLowerCase());
    result.push({ id: itemId(item.id, previousIds, newId), tag, email, primary });
  });
  return assignPrimary(result);
}

function normalizePhones(raw: unknown[], previous: ContactPhone[], newId: IdGenerator, violate: Violate) {
  if (raw.length > MAX_PHONES) violate('phones.items', `at most ${MAX_PHONES} phones`, 'MAX_SIZE');
  const previousIds = new Set(previous.map((p) => p.id!).filter(Boolean));
  const result: ContactPhone[] = [];
  raw.forEach((item, i) => {
    const field = `phones.items[${i}]`;
    if (!isObject(item)) return violate(field, 'must be an object');
    refuseUnknownKeys(item, WIRE_KEYS.phone, field, violate);
    checkItemId(item.id, `${field}.id`, violate);
    const phone = typeof item.phone === 'string' ? item.phone.trim() : '';
    if (!/\d/.test(phone) || phone.length > 50 || hasControlInIdentifier(phone)) return violate(`${field}.phone`, 'must be a phone number', 'FORMAT');
    let countryCode: string | undefined;
    if (item.countryCode !== undefined && item.countryCode !== null && item.countryCode !== '') {
      countryCode = String(item.countryCode).toUpperCase();
      if (!COUNTRY_PATTERN.test(countryCode)) return violate(`${field}.countryCode`, 'must be an ISO-3166 alpha-2 code', 'FORMAT');
    }
    const tag = pickTag(item.tag, PHONE_TAGS, `${field}.tag`, violate);
    const primary = primaryFlag(item.primary, `${field}.primary`, violate);
    result.push({ id: itemId(item.id, previousIds, newId), tag, ...normalizePhoneNumber(phone, countryCode), primary });
  });
  return assignPrimary(result);
}

/** E.164 and an international format when the number is valid; the text as given otherwise. */
export function normalizePhoneNumber(phone: string, countryCode?: string): Pick<ContactPhone, 'phone' | 'countryCode' | 'e164Phone' | 'formattedPhone'> {
  const parsed = parsePhoneNumberFromString(phone, countryCode as CountryCode | undefined);
  if (!parsed || !parsed.isValid()) return { phone, ...(countryCode && { countryCode }) };
  return {
    phone,
    countryCode: countryCode ?? parsed.country,
    e164Phone: parsed.number,
    formattedPhone: parsed.formatInternational(),
  };
}

function normalizeAddresses(raw: unknown[], previous: ContactAddress[], newId: IdGenerator, violate: Violate) {
  if (raw.length > MAX_ADDRESSES) violate('addresses.items', `at most ${MAX_ADDRESSES} addresses`, 'MAX_SIZE');
  const previousIds = new Set(previous.map((a) => a.id!).filter(Boolean));
  const result: ContactAddress[] = [];
  raw.forEach((item, i) => {
    const field = `addresses.items[${i}]`;
    if (!isObject(item)) return violate(field, 'must be an object');
    refuseUnknownKeys(item, WIRE_KEYS.addressItem, field, violate);
    checkItemId(item.id, `${field}.id`, violate);
    if (!isObject(item.address)) return violate(`${field}.address`, 'must be an object');
    const source = item.address;
    refuseUnknownKeys(source, WIRE_KEYS.address, `${field}.address`, violate);
    const address: Record<string, unknown> = {};
    // `addressLine` is the wire name (the SDK sends it for its `addressLine1`); REST docs say `addressLine1`.
    const line = source.addressLine ?? source.addressLine1;
    if (line != null) {
      const value = text(line, `${field}.address.addressLine`, violate);
      if (value !== undefined) address.addressLine = value;
    }
    for (const key of ['addressLine2', 'formattedAddress', 'city', 'subdivision', 'country', 'postalCode'] as const) {
      if (source[key] == null) continue;
      const value = text(source[key], `${field}.address.${key}`, violate);
      if (value !== undefined) address[key] = value;
    }
    if (source.streetAddress != null && !isObject(source.streetAddress)) violate(`${field}.address.streetAddress`, 'must be an object');
    if (isObject(source.streetAddress)) {
      refuseUnknownKeys(source.streetAddress, WIRE_KEYS.streetAddress, `${field}.address.streetAddress`, violate);
      const street: Record<string, string> = {};
      for (const key of ['number', 'name', 'apt'] as const) {
        const value = source.streetAddress[key];
        if (value == null) continue;
        const clean = text(value, `${field}.address.streetAddress.${key}`, violate);
        if (clean !== undefined) street[key] = clean;
      }
      if (Object.keys(street).length > 0) address.streetAddress = street;
    }
    if (source.geocode != null && !isObject(source.geocode)) violate(`${field}.address.geocode`, 'must be an object');
    if (isObject(source.geocode)) {
      refuseUnknownKeys(source.geocode, WIRE_KEYS.geocode, `${field}.address.geocode`, violate);
      const { latitude, longitude } = source.geocode;
      if (typeof latitude !== 'number' || typeof longitude !== 'number' || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
        violate(`${field}.address.geocode`, 'must hold a latitude and a longitude in degrees');
      } else address.geocode = { latitude, longitude };
    }
    if (address.streetAddress && address.addressLine) {
      violate(`${field}.address`, 'streetAddress and addressLine are alternatives; give one');
    }
    if (typeof address.country === 'string') address.country = address.country.toUpperCase();
    if (Object.keys(address).length === 0) return violate(`${field}.address`, 'must not be empty');
    const tag = pickTag(item.tag, ADDRESS_TAGS, `${field}.tag`, violate);
    result.push({ id: itemId(item.id, previousIds, newId), tag, address });
  });
  return result;
}

function normalizeBirthdate(value: unknown, violate: Violate): string | undefined {
  if (value === '') return undefined;
  const match = typeof value === 'string' ? BIRTHDATE_PATTERN.exec(value) : null;
  if (!match) {
    violate('birthdate', 'must be a date as YYYY-MM-DD', 'FORMAT');
    return undefined;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    violate('birthdate', 'is not a calendar date', 'FORMAT');
    return undefined;
  }
  return value as string;
}

function uniqueStrings(raw: unknown[], field: string, violate: Violate): string[] {
  const result: string[] = [];
  raw.forEach((value, i) => {
    if (typeof value !== 'string' || value.trim() === '' || hasControlInIdentifier(value)) {
      return violate(`${field}.items[${i}]`, 'must be a non-empty string without control characters');
    }
    if (!result.includes(value)) result.push(value);
  });
  return result;
}

function normalizeExtendedFields(value: unknown, violate: Violate) {
  if (!isObject(value)) {
    violate('extendedFields', 'must be an object { items: { key: value } }');
    return undefined;
  }
  refuseUnknownKeys(value, WIRE_KEYS.wrapper, 'extendedFields', violate);
  const map = value.items ?? {};
  if (!isObject(map)) {
    violate('extendedFields.items', 'must be an object of key to value');
    return undefined;
  }
  const result: Record<string, string | number | boolean> = {};
  for (const [key, fieldValue] of Object.entries(map)) {
    if (fieldValue === null || fieldValue === undefined || fieldValue === '') continue; // empty values are not kept
    if (!['string', 'number', 'boolean'].includes(typeof fieldValue)) {
      violate(`extendedFields.items.${key}`, 'must be a string, number or boolean');
      continue;
    }
    if (typeof fieldValue === 'string' && hasControlInText(fieldValue)) {
      violate(`extendedFields.items.${key}`, 'must not contain control characters', 'FORMAT');
      continue;
    }
    result[key] = fieldValue as string | number | boolean;
  }
  return Object.keys(result).length > 0 ? { items: result } : undefined;
}

function normalizePicture(value: unknown, violate: Violate) {
  if (!isObject(value)) {
    violate('picture', 'must be an object with image');
    return undefined;
  }
  refuseUnknownKeys(value, WIRE_KEYS.picture, 'picture', violate);
  const provider = value.imageProvider == null ? undefined : text(value.imageProvider, 'picture.imageProvider', violate);
  const withProvider = provider !== undefined ? { imageProvider: provider } : {};
  // The image is a URL string in REST docs and an image object ({ id, url, ... }) from the SDK, kept as sent.
  if (isObject(value.image)) return { image: value.image, ...withProvider };
  const image = value.image == null ? undefined : text(value.image, 'picture.image', violate);
  if (image === undefined) return undefined;
  return { image, ...withProvider };
}
