/**
 * The CSV columns of an export: headers the import recognises (import-mapping.ts), so an export
 * imports back without a mapping. Up to three emails and phones; one address; labels by display
 * name. Tags and extended fields are not in the CSV (JSON Lines has whole contacts).
 */
interface ContactRow {
  id: string;
  createdDate?: string;
  info?: {
    name?: { first?: string; last?: string };
    emails?: { items?: { email: string }[] };
    phones?: { items?: { phone: string; e164Phone?: string }[] };
    addresses?: { items?: { address?: { addressLine?: string; addressLine2?: string; city?: string; subdivision?: string; postalCode?: string; country?: string } }[] };
    company?: string;
    jobTitle?: string;
    birthdate?: string;
    labelKeys?: { items?: string[] };
  };
}

const nth = <T>(items: T[] | undefined, n: number): T | undefined => items?.[n];

const COLUMNS: [string, (contact: ContactRow, labels: ReadonlyMap<string, string>) => string | undefined][] = [
  ['Contact ID', (c) => c.id],
  ['First Name', (c) => c.info?.name?.first],
  ['Last Name', (c) => c.info?.name?.last],
  ...[0, 1, 2].map((n): [string, (c: ContactRow) => string | undefined] => [`Email ${n + 1}`, (c) => nth(c.info?.emails?.items, n)?.email]),
  ...[0, 1, 2].map((n): [string, (c: ContactRow) => string | undefined] => [`Phone ${n + 1}`, (c) => nth(c.info?.phones?.items, n)?.phone]),
  ['Company', (c) => c.info?.company],
  ['Job Title', (c) => c.info?.jobTitle],
  ['Birthdate', (c) => c.info?.birthdate],
  ['Labels', (c, labels) => c.info?.labelKeys?.items?.map((key) => labels.get(key) ?? key).join('; ')],
  ['Address 1 - Street', (c) => nth(c.info?.addresses?.items, 0)?.address?.addressLine],
  ['Address 1 - Extended Address', (c) => nth(c.info?.addresses?.items, 0)?.address?.addressLine2],
  ['Address 1 - City', (c) => nth(c.info?.addresses?.items, 0)?.address?.city],
  ['Address 1 - Region', (c) => nth(c.info?.addresses?.items, 0)?.address?.subdivision],
  ['Address 1 - Postal Code', (c) => nth(c.info?.addresses?.items, 0)?.address?.postalCode],
  ['Address 1 - Country', (c) => nth(c.info?.addresses?.items, 0)?.address?.country],
  ['Created Date', (c) => c.createdDate],
];

export const EXPORT_CSV_HEADER: readonly string[] = COLUMNS.map(([header]) => header);

/** One contact as its CSV row; `labels` maps label keys to display names. */
export function exportCsvRow(contact: ContactRow, labels: ReadonlyMap<string, string>): string[] {
  return COLUMNS.map(([, cell]) => cell(contact, labels) ?? '');
}
