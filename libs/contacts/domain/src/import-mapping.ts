import { AppError } from '@cp/errors';
import { Address, ADDRESS_TAGS, AddressTag, CONTACT_INFO_KEYS, ContactAddress, ContactEmail, ContactName, ContactPhone, EMAIL_TAGS, EmailTag, PHONE_TAGS, PhoneTag } from './contact-info';

/**
 * Where a column's value goes (case-sensitive):
 *  'name.first' | 'name.last' | 'company' | 'jobTitle' | 'birthdate'
 *  'email' | 'email:<TAG>'                      (EMAIL_TAGS; no tag: UNTAGGED)
 *  'phone' | 'phone:<TAG>'                      (PHONE_TAGS)
 *  'address.<part>' | 'address:<TAG>.<part>'    (ADDRESS_TAGS; part: one of ADDRESS_PARTS)
 *  'labels'                                     (label display names separated by ';', ',' or ' ::: ')
 *  'extendedField:<key or display name>'
 *  'info'                                       (a contact's whole info as JSON, as Get Contact answers it:
 *                                                a JSON Lines export's `info`, which imports back unchanged)
 *  'ignore'
 */
export type ImportTarget = string;
export type ColumnMapping = Record<string, ImportTarget>;

export interface MappingProblem {
  column: string;
  description: string;
}

export interface MappedRow {
  /** The `info` of a Create Contact request: only keys that got a value; not yet normalized. */
  info: Record<string, unknown>;
  /** Label display names, trimmed, de-duplicated ignoring case (the first spelling is kept). */
  labels: string[];
  /** `ref` is the text after 'extendedField:', to be resolved against the site's fields. */
  extendedFields: { ref: string; value: string }[];
}

const ADDRESS_PARTS = ['addressLine', 'addressLine2', 'city', 'subdivision', 'postalCode', 'country'] as const;
type AddressPart = (typeof ADDRESS_PARTS)[number];

type ParsedTarget =
  | { kind: 'name'; part: 'first' | 'last' }
  | { kind: 'text'; key: 'company' | 'jobTitle' | 'birthdate' }
  | { kind: 'email'; tag: EmailTag }
  | { kind: 'phone'; tag: PhoneTag }
  | { kind: 'address'; tag: AddressTag; part: AddressPart }
  | { kind: 'labels' }
  | { kind: 'extendedField'; ref: string }
  | { kind: 'info' }
  | { kind: 'ignore' };

const PLAIN_TARGETS: Record<string, ParsedTarget> = {
  'name.first': { kind: 'name', part: 'first' },
  'name.last': { kind: 'name', part: 'last' },
  company: { kind: 'text', key: 'company' },
  jobTitle: { kind: 'text', key: 'jobTitle' },
  birthdate: { kind: 'text', key: 'birthdate' },
  email: { kind: 'email', tag: 'UNTAGGED' },
  phone: { kind: 'phone', tag: 'UNTAGGED' },
  labels: { kind: 'labels' },
  info: { kind: 'info' },
  ignore: { kind: 'ignore' },
};

const oneOf = (allowed: readonly string[]) => `use one of ${allowed.join(', ')}`;

/** The parsed target, or why it is not one (a string). */
function parseTarget(target: unknown): ParsedTarget | string {
  if (typeof target !== 'string') return 'the target must be a string';
  if (Object.hasOwn(PLAIN_TARGETS, target)) return PLAIN_TARGETS[target];
  const quoted = JSON.stringify(target);
  let match: RegExpExecArray | null;
  if ((match = /^email:(.*)$/.exec(target))) {
    const tag = match[1] as EmailTag;
    return EMAIL_TAGS.includes(tag) ? { kind: 'email', tag } : `${quoted} has an unknown email tag; ${oneOf(EMAIL_TAGS)}`;
  }
  if ((match = /^phone:(.*)$/.exec(target))) {
    const tag = match[1] as PhoneTag;
    return PHONE_TAGS.includes(tag) ? { kind: 'phone', tag } : `${quoted} has an unknown phone tag; ${oneOf(PHONE_TAGS)}`;
  }
  if ((match = /^address(?::([^.]*))?\.(.*)$/.exec(target))) {
    const tag = (match[1] ?? 'UNTAGGED') as AddressTag;
    const part = match[2] as AddressPart;
    if (!ADDRESS_TAGS.includes(tag)) return `${quoted} has an unknown address tag; ${oneOf(ADDRESS_TAGS)}`;
    if (!ADDRESS_PARTS.includes(part)) return `${quoted} has an unknown address part; ${oneOf(ADDRESS_PARTS)}`;
    return { kind: 'address', tag, part };
  }
  if ((match = /^extendedField:(.*)$/.exec(target))) {
    return match[1].trim() === '' ? `${quoted} names no extended field` : { kind: 'extendedField', ref: match[1] };
  }
  return `${quoted} is not an import target`;
}

export function checkMapping(mapping: ColumnMapping, headers?: readonly string[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  for (const [column, target] of Object.entries(mapping)) {
    const parsed = parseTarget(target);
    if (typeof parsed === 'string') problems.push({ column, description: parsed });
    if (headers && !headers.includes(column)) problems.push({ column, description: 'is not a column of the file' });
  }
  return problems;
}

/** Case, surrounding spaces and runs of spaces, underscores and hyphens do not tell headers apart. */
function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

/** Headers of Wix, HubSpot and Google Contacts exports; '#' stands for any column number. */
const RECOGNISED_HEADERS: ReadonlyMap<string, ImportTarget> = new Map(
  (
    [
      ['First Name', 'name.first'],
      ['Given Name', 'name.first'],
      ['Last Name', 'name.last'],
      ['Family Name', 'name.last'],
      ['Email', 'email'],
      ['Email #', 'email'],
      ['E-mail # - Value', 'email'],
      ['Phone', 'phone'],
      ['Phone #', 'phone'],
      ['Phone Number', 'phone'],
      ['Phone # - Value', 'phone'],
      ['Mobile Phone Number', 'phone:MOBILE'],
      ['Company', 'company'],
      ['Company Name', 'company'],
      ['Organization Name', 'company'],
      ['Organization 1 - Name', 'company'],
      ['Position', 'jobTitle'],
      ['Job Title', 'jobTitle'],
      ['Organization Title', 'jobTitle'],
      ['Organization 1 - Title', 'jobTitle'],
      ['Birthdate', 'birthdate'],
      ['Birthday', 'birthdate'],
      ['Labels', 'labels'],
      ['Group Membership', 'labels'],
      ['info', 'info'],
      ['Address', 'address.addressLine'],
      ['Street Address', 'address.addressLine'],
      ['Address 1 - Street', 'address.addressLine'],
      ['Address 1 - Extended Address', 'address.addressLine2'],
      ['City', 'address.city'],
      ['Address 1 - City', 'address.city'],
      ['State', 'address.subdivision'],
      ['Region', 'address.subdivision'],
      ['State/Region', 'address.subdivision'],
      ['Address 1 - Region', 'address.subdivision'],
      ['Zip', 'address.postalCode'],
      ['Zip Code', 'address.postalCode'],
      ['Postal Code', 'address.postalCode'],
      ['Address 1 - Postal Code', 'address.postalCode'],
      ['Country', 'address.country'],
      ['Country/Region', 'address.country'],
      ['Address 1 - Country', 'address.country'],
    ] as const
  ).map(([header, target]) => [headerKey(header), target]),
);

function recognise(header: string): ImportTarget | undefined {
  const key = headerKey(header);
  return RECOGNISED_HEADERS.get(key) ?? RECOGNISED_HEADERS.get(key.replace(/\b\d+\b/g, '#'));
}

/**
 * The columns an explicit mapping names get its targets (`ignore` drops one); every other column
 * is recognised by its header when it is a known export header, else ignored.
 */
export function resolveMapping(headers: readonly string[], explicit?: ColumnMapping): ColumnMapping {
  // fromEntries, so that a header such as '__proto__' stays an ordinary key.
  return Object.fromEntries(
    headers.map((header) => {
      if (explicit && Object.hasOwn(explicit, header)) return [header, explicit[header]];
      return [header, recognise(header) ?? 'ignore'];
    }),
  );
}

/**
 * The keys of a contact's info (CONTACT_INFO_KEYS) from a cell of JSON, as Get Contact answers
 * them: the create's checks apply to them as to any request (ids of items are ignored there,
 * derived extended fields such as `contacts.displayByFirstName` skipped).
 */
function infoOfJson(column: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw AppError.invalidField(column, "must be a JSON object: a contact's info, as Get Contact answers it");
  const given = value as Record<string, unknown>;
  return Object.fromEntries(CONTACT_INFO_KEYS.filter((key) => Object.hasOwn(given, key)).map((key) => [key, given[key]]));
}

/** Google Contacts puts several values in one cell, separated by ' ::: '. */
const splitValues = (text: string) =>
  text
    .split(':::')
    .map((value) => value.trim())
    .filter((value) => value !== '');

/** Google marks its system groups with '* ' (e.g. '* myContacts'); they are not labels. */
const labelNames = (text: string) =>
  text
    .split(/:::|[;,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '' && !name.startsWith('* '));

/** The API takes a full YYYY-MM-DD; anything else unrecognised is left for the normalizer to refuse. */
function birthdate(text: string): string | undefined {
  if (text.startsWith('--')) return undefined; // Google's birthday without a year
  return text.replace(/^(\d{4})\/(\d{2})\/(\d{2})$/, '$1-$2-$3');
}

function uniqueIgnoringCase(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * One row through the mapping, in column order. When several columns feed one single-valued
 * field (e.g. 'Address' and 'Street Address'), the first non-empty cell wins.
 */
export function mapRow(row: Readonly<Record<string, string | undefined>>, mapping: ColumnMapping): MappedRow {
  const name: ContactName = {};
  const texts: Partial<Record<'company' | 'jobTitle' | 'birthdate', string>> = {};
  const emails: ContactEmail[] = [];
  const phones: ContactPhone[] = [];
  const addresses = new Map<AddressTag, Address>();
  const labels: string[] = [];
  const extendedFields: MappedRow['extendedFields'] = [];
  let whole: Record<string, unknown> = {};

  for (const [column, target] of Object.entries(mapping)) {
    const cell: unknown = Object.hasOwn(row, column) ? row[column] : undefined;
    const text = typeof cell === 'string' ? cell.trim() : '';
    const parsed = parseTarget(target);
    if (text === '' || typeof parsed === 'string') continue;
    switch (parsed.kind) {
      case 'name':
        name[parsed.part] ??= text;
        break;
      case 'text': {
        const value = parsed.key === 'birthdate' ? birthdate(text) : text;
        if (value !== undefined) texts[parsed.key] ??= value;
        break;
      }
      case 'email':
        for (const email of splitValues(text)) emails.push({ email, tag: parsed.tag });
        break;
      case 'phone':
        for (const phone of splitValues(text)) phones.push({ phone, tag: parsed.tag });
        break;
      case 'address': {
        const address = addresses.get(parsed.tag) ?? {};
        address[parsed.part] ??= text;
        addresses.set(parsed.tag, address);
        break;
      }
      case 'labels':
        labels.push(...labelNames(text));
        break;
      case 'extendedField':
        extendedFields.push({ ref: parsed.ref, value: text });
        break;
      case 'info':
        whole = infoOfJson(column, text);
        break;
    }
  }

  // The other columns say more precisely what they feed: they win over a whole info's keys.
  const info: Record<string, unknown> = { ...whole };
  if (name.first !== undefined || name.last !== undefined) info.name = name;
  if (emails.length > 0) info.emails = { items: emails };
  if (phones.length > 0) info.phones = { items: phones };
  if (addresses.size > 0) {
    const items: ContactAddress[] = [...addresses].map(([tag, address]) => ({ tag, address }));
    info.addresses = { items };
  }
  Object.assign(info, texts);
  return { info, labels: uniqueIgnoringCase(labels), extendedFields };
}
