/**
 * The shape of `info` on the wire: which keys each nested object may carry, and which
 * characters a value may hold. Anything else is refused with a 400 naming the field, never
 * dropped: a key we would silently throw away is data the caller believes it stored.
 */

export interface WireKeys {
  /** Keys the server reads. */
  readonly accepted: readonly string[];
  /**
   * Read-only keys the server derives and returns: a client that sends back a contact it read
   * includes them, so they are ignored rather than refused.
   */
  readonly derived?: readonly string[];
}

/** Keys of Wix's Contacts v4 wire types (`@wix/auto_sdk_crm_contacts`, meta.d.ts), plus what we return. */
export const WIRE_KEYS = {
  /** `{ items }` around every repeated collection. */
  wrapper: { accepted: ['items'] },
  name: { accepted: ['first', 'last'] },
  email: { accepted: ['id', 'tag', 'email', 'primary'], derived: ['subscriptionStatus', 'deliverabilityStatus'] },
  phone: { accepted: ['id', 'tag', 'countryCode', 'phone', 'primary'], derived: ['e164Phone', 'formattedPhone', 'subscriptionStatus'] },
  addressItem: { accepted: ['id', 'tag', 'address'] },
  // `addressLine1` is the REST docs' name of the SDK's `addressLine`; Wix derives the other three.
  address: {
    accepted: ['streetAddress', 'addressLine', 'addressLine1', 'addressLine2', 'city', 'subdivision', 'country', 'postalCode', 'formattedAddress', 'geocode'],
    derived: ['location', 'subdivisions', 'countryFullname'],
  },
  streetAddress: { accepted: ['number', 'name', 'apt'] },
  geocode: { accepted: ['latitude', 'longitude'] },
  picture: { accepted: ['image', 'imageProvider'] },
} as const satisfies Record<string, WireKeys>;

/** The keys of `value` that are neither accepted nor derived. */
export function unknownKeys(value: Record<string, unknown>, keys: WireKeys): string[] {
  return Object.keys(value).filter((key) => !keys.accepted.includes(key) && !keys.derived?.includes(key));
}

/** C0 controls and DEL; free text may keep tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Identifiers (emails, phones, codes, keys) hold no control character at all: C0, DEL or C1. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_IDENTIFIER = /[\u0000-\u001F\u007F-\u009F]/;

export function hasControlInText(value: string): boolean {
  return CONTROL_IN_TEXT.test(value);
}

export function hasControlInIdentifier(value: string): boolean {
  return CONTROL_IN_IDENTIFIER.test(value);
}

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The list a repeated collection carries: `{ items: [...] }` as the wire has it, or a bare list.
 * `undefined` when it is neither (the normalizer refuses it; reference checks skip it).
 */
export function wrappedList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const list = (value as { items?: unknown }).items;
  if (list === undefined || list === null) return [];
  return Array.isArray(list) ? list : undefined;
}
