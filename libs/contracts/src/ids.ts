/**
 * Identifiers that cannot be confused across sites.
 *
 * Site ids are checked when keys are provisioned and on every request; contact ids are GUIDs;
 * label and extended-field keys have the documented `<namespace>.<name>` form. Every stream
 * name, document key and message key is built from `siteKey(siteId)`, an escaping that never
 * contains `.` `:` or `/`: the separator that follows it is therefore always the first one, so
 * no id of one site can name an entity of another, whatever characters a site id holds.
 */

/** 1 to 64 letters, digits, `-` or `_`, starting with a letter or digit (a Wix site id is a GUID). */
export const SITE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SITE_ID_RULE = '1 to 64 letters, digits, "-" or "_", starting with a letter or digit';

/** A GUID in its canonical 8-4-4-4-12 hex form (what the server issues), either case. */
export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A label or extended-field key: a namespace and a name joined by dots (`custom.vip`,
 * `members.membershipStatus`), letters, digits, `-` and `_` only, at most 100 characters.
 */
export const DEFINITION_KEY_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;
export const DEFINITION_KEY_MAX_LENGTH = 100;

export function isSiteId(value: unknown): value is string {
  return typeof value === 'string' && SITE_ID_PATTERN.test(value);
}

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID_PATTERN.test(value);
}

export function isDefinitionKey(value: unknown): value is string {
  return typeof value === 'string' && value.length <= DEFINITION_KEY_MAX_LENGTH && DEFINITION_KEY_PATTERN.test(value);
}

const ESCAPED = /[%.:/]/g;

/**
 * The site id as it stands in stream names, document ids and message keys: `%`, `.`, `:` and
 * `/` percent-escaped, so the result holds none of the separators and differs for different ids.
 * A valid site id is left as it is, so names built from valid ids never change.
 */
export function siteKey(siteId: string): string {
  return siteId.replace(ESCAPED, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The data key a contact's personal data is sealed with (docs/privacy.md): its events, its
 * identity claims and the change feed's events about it. Destroying it erases the contact.
 */
export function contactDataKeyId(siteId: string, contactId: string): string {
  return `contact:${siteDocumentId(siteId, contactId)}`;
}

/** The id of a site-scoped document: `<siteKey>:<id>`. */
export function siteDocumentId(siteId: string, id: string): string {
  return `${siteKey(siteId)}:${id}`;
}

/** A site-scoped stream: `<prefix><siteKey>` or `<prefix><siteKey>.<id>`. */
export function siteStream(prefix: string, siteId: string, id?: string): string {
  return id === undefined ? `${prefix}${siteKey(siteId)}` : `${prefix}${siteKey(siteId)}.${id}`;
}

/** The entity id of a stream built by siteStream: what follows the first dot (the site key has none). */
export function streamEntityId(streamId: string): string {
  return streamId.slice(streamId.indexOf('.') + 1);
}
