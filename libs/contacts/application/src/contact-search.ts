import { ContactInfo, ContactPhone } from '@cp/contacts-domain';
import { AppError } from '@cp/errors';
import { escapeRegex, MongoFilter } from '@cp/query';
import { CountryCode, getCountryCallingCode } from 'libphonenumber-js/max';

/**
 * Free-text search (`search` of Query Contacts and the bulk jobs) as people type it: every
 * word of the query must be the start of a word of the contact's names, emails, company or job
 * title, case and accents aside ("Ada Lovelace", "lovel", "ÉDOUARD" for "Édouard"); a query
 * that is only a phone number in any format matches a phone by its digits, with or without the
 * country code, or by its last 4 or 7 digits ("+1 (415) 555-0101", "4155550101", "555-0101").
 *
 * The contact's words are stored with it (`searchTokens`) under an index, and each query word
 * becomes an anchored prefix of them: a plain MongoDB filter that every read store serves
 * through that index (a prefix range), so search needs no engine of its own in any mode.
 */

export const MAX_SEARCH_LENGTH = 100;
/** Words kept per contact, and characters per word: bounds what one contact adds to the index. */
const MAX_TOKENS = 64;
const MAX_TOKEN_LENGTH = 32;
/** Query words beyond these add little and each costs a test per candidate. */
const MAX_QUERY_WORDS = 8;
/** A query of digits and phone punctuation with at least this many digits is a phone number. */
const MIN_PHONE_DIGITS = 3;

/** The words a contact is found by (its read-model document keeps them under an index). */
export function searchTokensOf(info: ContactInfo): string[] {
  const tokens = new Set<string>();
  const addWords = (text: string | undefined) => {
    if (text) for (const word of wordsOf(text)) tokens.add(word);
  };
  addWords(info.name?.first);
  addWords(info.name?.last);
  for (const item of info.emails?.items ?? []) addWords(item.email);
  addWords(info.company);
  addWords(info.jobTitle);
  for (const phone of info.phones?.items ?? []) for (const digits of phoneTokens(phone)) tokens.add(digits);
  return [...tokens].slice(0, MAX_TOKENS);
}

/** The clauses a query's `search` adds to its filter: none when it has none (absent, null or blank). */
export function searchClauses(search: unknown): MongoFilter[] {
  return typeof search === 'string' && search.trim() !== '' ? [searchFilter(search)] : [];
}

/**
 * The filter clause of a search: each word an anchored prefix of the contact's tokens, longest
 * first (the most selective, which a store may read its index by). A query with no word in it
 * ("--") matches nothing, as no contact holds it.
 */
export function searchFilter(search: string): MongoFilter {
  if (search.length > MAX_SEARCH_LENGTH) throw AppError.invalidField('search', `must be at most ${MAX_SEARCH_LENGTH} characters`, 'MAX_LENGTH');
  const words = queryWords(search);
  if (words.length === 0) return { searchTokens: { $in: [] } };
  const clauses = words.map((word) => ({ searchTokens: { $regex: `^${escapeRegex(word)}` } }));
  return clauses.length === 1 ? clauses[0] : { $and: clauses };
}

/** The query's words, without those that another word starts with ("ada a": "a" adds nothing). */
export function queryWords(search: string): string[] {
  const trimmed = search.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (/^[\d\s()+\-./]+$/.test(trimmed) && digits.length >= MIN_PHONE_DIGITS) return [digits];
  const words = [...new Set(wordsOf(trimmed))].sort((a, b) => b.length - a.length);
  return words.filter((word, i) => !words.slice(0, i).some((longer) => longer.startsWith(word))).slice(0, MAX_QUERY_WORDS);
}

/** Lowercased, accents removed (NFKD, then the combining marks dropped), split at anything not a letter or digit. */
function wordsOf(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0)
    .map((word) => word.slice(0, MAX_TOKEN_LENGTH));
}

/** A phone's digits as typed, in E.164 without the `+`, as a national number, and its last 7 and 4 digits. */
function phoneTokens(phone: ContactPhone): string[] {
  const typed = phone.phone.replace(/\D/g, '');
  const international = phone.e164Phone?.replace(/\D/g, '');
  const national = international && nationalDigits(international, phone.countryCode);
  const local = national ?? typed;
  const tokens = [typed, international, national, local.length > 7 ? local.slice(-7) : undefined, local.length > 4 ? local.slice(-4) : undefined];
  return tokens.filter((token): token is string => token !== undefined && token.length > 0).map((token) => token.slice(0, MAX_TOKEN_LENGTH));
}

/** E.164 digits without the country's calling code (the country is known once the number was parsed as valid). */
function nationalDigits(international: string, countryCode: string | undefined): string | undefined {
  if (!countryCode) return undefined;
  try {
    const callingCode = getCountryCallingCode(countryCode as CountryCode);
    return international.startsWith(callingCode) ? international.slice(callingCode.length) : undefined;
  } catch {
    return undefined; // not a country libphonenumber knows
  }
}
