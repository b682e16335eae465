import { ContactInfo, isObject, MEMBERSHIP_FIELD, MEMBERSHIP_STATUSES, wrappedList } from '@cp/contacts-domain';
import { RequestContext } from '@cp/contracts';
import { AppError, FieldViolation } from '@cp/errors';
import { checkFieldValue, SYSTEM_FIELDS } from '@cp/extended-fields-domain';
import { Definitions } from './definitions';

/** System fields the contacts service derives itself: sent back by a client, they are ignored. */
export const DERIVED_SYSTEM_FIELDS = new Set([
  'contacts.displayByFirstName',
  'contacts.displayByLastName',
  'emailSubscriptions.subscriptionStatus',
  'emailSubscriptions.deliverabilityStatus',
  'emailSubscriptions.effectiveEmail',
]);

const PROTECTED_FIELDS = new Set(SYSTEM_FIELDS.filter((field) => !field.writable && !DERIVED_SYSTEM_FIELDS.has(field.key)).map((field) => field.key));

/** Who may make a contact a site member: callers whose key grants MEMBERS.MODIFY (the members admin path). */
export const MEMBERS_PERMISSION = 'MEMBERS.MODIFY';

function membershipProblem(context: RequestContext, value: unknown): string | undefined {
  if (!context.permissions?.includes(MEMBERS_PERMISSION)) return `${MEMBERSHIP_FIELD} is managed through the members path (a key with a members scope)`;
  if (value === null || value === '' || (MEMBERSHIP_STATUSES as readonly unknown[]).includes(value)) return undefined;
  return `must be one of ${MEMBERSHIP_STATUSES.join(', ')}`;
}

/**
 * Checks what a contact's `info` refers to in other services: label keys must be labels of the
 * site, extended-field keys fields of the site, values of their field's data type, and system
 * fields writable. Returns the info with values normalized (URLs get their scheme, numbers
 * become numbers); refuses with every violation named, before anything is written.
 */
export class ContactReferences {
  constructor(private readonly definitions: Definitions) {}

  async check(context: RequestContext, info: Record<string, unknown>): Promise<Record<string, unknown>> {
    const violations: FieldViolation[] = [];
    // Both forms the normalizer reads ({ items } and a bare list); a malformed value is its to refuse.
    const labelKeys = 'labelKeys' in info ? wrappedList(info.labelKeys) : undefined;
    if (labelKeys) {
      const unknown = await this.definitions.unknownLabels(context, labelKeys.filter((key): key is string => typeof key === 'string'));
      if (unknown.length > 0) {
        violations.push({
          field: 'info.labelKeys',
          description: `unknown label keys: ${unknown.join(', ')} (create labels with Find Or Create Label first)`,
          violatedRule: 'UNKNOWN_LABEL',
          data: { unknownLabelKeys: unknown },
        });
      }
    }
    const values = (info.extendedFields as { items?: Record<string, unknown> } | undefined)?.items;
    if (!values || typeof values !== 'object' || Array.isArray(values)) {
      if (violations.length > 0) throw AppError.invalid(violations);
      return info;
    }
    const checked: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (DERIVED_SYSTEM_FIELDS.has(key)) continue;
      const field = `info.extendedFields.items.${key}`;
      if (key === MEMBERSHIP_FIELD) {
        const problem = membershipProblem(context, value);
        if (problem) violations.push({ field, description: problem, violatedRule: 'READ_ONLY' });
        else if (value !== null && value !== '') checked[key] = value;
        continue;
      }
      const definition = await this.definitions.field(context, key);
      if (!definition) {
        violations.push({ field, description: `unknown extended field ${key} (create it with Find Or Create Extended Field first)`, violatedRule: 'UNKNOWN_FIELD' });
        continue;
      }
      if (definition.fieldType === 'SYSTEM' && !definition.writable) {
        violations.push({ field, description: `${key} is a read-only system field`, violatedRule: 'READ_ONLY' });
        continue;
      }
      if (value === null || value === undefined || value === '') continue;
      const outcome = checkFieldValue(definition.dataType, value);
      if (outcome.ok) checked[key] = outcome.value;
      else violations.push({ field, description: `${outcome.reason} (${key} is ${definition.dataType})`, violatedRule: 'INVALID_VALUE' });
    }
    if (violations.length > 0) throw AppError.invalid(violations);
    // Other keys beside `items` stay for the normalizer to refuse.
    return { ...info, extendedFields: { ...(info.extendedFields as object), items: checked } };
  }

  /**
   * An update replaces the whole extended-field map — `null`, `{}` and `{ items: {} }` clear it —
   * but a caller cannot touch what it may not write: the stored values of read-only system
   * fields (and membership, without the members permission) are carried over into whatever it
   * sends. A value of the wrong shape is left as sent, for the normalizer to refuse.
   */
  keepProtectedValues(context: RequestContext, current: ContactInfo | undefined, info: Record<string, unknown>): Record<string, unknown> {
    if (!('extendedFields' in info)) return info;
    const kept = Object.entries(current?.extendedFields?.items ?? {}).filter(
      ([key]) => PROTECTED_FIELDS.has(key) && (key !== MEMBERSHIP_FIELD || !context.permissions?.includes(MEMBERS_PERMISSION)),
    );
    if (kept.length === 0) return info;
    const wrapper = info.extendedFields ?? {};
    if (!isObject(wrapper)) return info;
    const sent = wrapper.items ?? {};
    if (!isObject(sent)) return info;
    return { ...info, extendedFields: { ...wrapper, items: { ...sent, ...Object.fromEntries(kept) } } };
  }

  async requireLabels(context: RequestContext, labelKeys: readonly string[]): Promise<void> {
    const unknown = await this.definitions.unknownLabels(context, labelKeys);
    if (unknown.length > 0) {
      throw AppError.notFound('LABEL_NOT_FOUND', `Unknown label keys: ${unknown.join(', ')}`, { unknownLabelKeys: unknown });
    }
  }
}
