import { AppError } from '@cp/errors';
import { isValidEmail } from './normalize-info';
import { isObject } from './wire-shape';

/**
 * An email subscription: one per (site, address), the address compared case-insensitively. It
 * exists whether or not a contact has the address, and only an explicit upsert changes it, so
 * creating or changing a contact never resubscribes an address that was unsubscribed.
 */
export const SUBSCRIPTION_STATUSES = ['NOT_SET', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;
export const DELIVERABILITY_STATUSES = ['NOT_SET', 'VALID', 'BOUNCED', 'SPAM_COMPLAINT', 'INACTIVE'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export type DeliverabilityStatus = (typeof DELIVERABILITY_STATUSES)[number];

export interface EmailStatus {
  subscriptionStatus: SubscriptionStatus;
  deliverabilityStatus: DeliverabilityStatus;
}

export const NO_STATUS: EmailStatus = { subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'NOT_SET' };

/** The statuses of a contact's addresses, by lowercased address; an address not in it is NOT_SET. */
export type EmailStatuses = ReadonlyMap<string, EmailStatus>;

export const NO_STATUSES: EmailStatuses = new Map();

export interface EmailSubscriptionState extends EmailStatus {
  id: string;
  /** As first given; `emailKey` is what compares. */
  email: string;
  createdDate: string;
  updatedDate: string;
}

export type EmailSubscriptionEvent =
  | { type: 'EmailSubscriptionCreated'; data: { subscriptionId: string; email: string } & EmailStatus }
  | { type: 'EmailSubscriptionStatusChanged'; data: { email: string } & EmailStatus };

export type EmailSubscriptionEventRecord = EmailSubscriptionEvent & { occurredAt: string };

export const EMAIL_SUBSCRIPTION_EVENT_TYPES: readonly string[] = ['EmailSubscriptionCreated', 'EmailSubscriptionStatusChanged'];

/** What an upsert asks for: a status left out keeps its value. */
export interface SubscriptionUpsert {
  email: string;
  subscriptionStatus?: SubscriptionStatus;
  deliverabilityStatus?: DeliverabilityStatus;
}

/** How addresses compare: case-insensitively. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

const ACCEPTED_KEYS = ['email', 'subscriptionStatus', 'deliverabilityStatus'];
/** What the API returns and a client may send back unchanged. */
const DERIVED_KEYS = ['id', '_id', 'createdDate', 'updatedDate', '_createdDate', '_updatedDate'];

/** Checks one item of an upsert as the caller sent it; every problem is a 400 naming its field. */
export function parseSubscriptionUpsert(raw: unknown, field = 'subscription'): SubscriptionUpsert {
  if (!isObject(raw)) throw AppError.invalidField(field, 'must be an object with an email');
  const unknown = Object.keys(raw).filter((key) => !ACCEPTED_KEYS.includes(key) && !DERIVED_KEYS.includes(key));
  if (unknown.length > 0) throw AppError.invalidField(`${field}.${unknown[0]}`, 'is not a field of an email subscription', 'UNKNOWN_FIELD');
  const email = typeof raw.email === 'string' ? raw.email.trim() : '';
  if (raw.email === undefined || raw.email === null || email === '') throw AppError.invalidField(`${field}.email`, 'is required', 'REQUIRED_FIELD');
  if (!isValidEmail(email)) throw AppError.invalidField(`${field}.email`, 'must be a valid email address', 'FORMAT');
  const subscriptionStatus = optionalEnum(raw.subscriptionStatus, SUBSCRIPTION_STATUSES, `${field}.subscriptionStatus`);
  const deliverabilityStatus = optionalEnum(raw.deliverabilityStatus, DELIVERABILITY_STATUSES, `${field}.deliverabilityStatus`);
  return { email, ...(subscriptionStatus && { subscriptionStatus }), ...(deliverabilityStatus && { deliverabilityStatus }) };
}

/** `null` or absent is "keep"; anything else must be one of the values (UNKNOWN is what Wix answers, never a value to set). */
function optionalEnum<T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw AppError.invalidField(field, `must be one of ${allowed.join(', ')}`, 'ENUM');
  return value as T;
}

/** Creates the subscription, or changes the statuses the upsert names; nothing when nothing changes. */
export function upsertSubscription(state: EmailSubscriptionState | undefined, upsert: SubscriptionUpsert, subscriptionId: string): EmailSubscriptionEvent[] {
  const next: EmailStatus = {
    subscriptionStatus: upsert.subscriptionStatus ?? state?.subscriptionStatus ?? 'NOT_SET',
    deliverabilityStatus: upsert.deliverabilityStatus ?? state?.deliverabilityStatus ?? 'NOT_SET',
  };
  if (!state) return [{ type: 'EmailSubscriptionCreated', data: { subscriptionId, email: upsert.email, ...next } }];
  if (next.subscriptionStatus === state.subscriptionStatus && next.deliverabilityStatus === state.deliverabilityStatus) return [];
  return [{ type: 'EmailSubscriptionStatusChanged', data: { email: state.email, ...next } }];
}

export function evolveSubscription(state: EmailSubscriptionState | undefined, event: EmailSubscriptionEventRecord): EmailSubscriptionState | undefined {
  switch (event.type) {
    case 'EmailSubscriptionCreated': {
      const { subscriptionId, email, subscriptionStatus, deliverabilityStatus } = event.data;
      return { id: subscriptionId, email, subscriptionStatus, deliverabilityStatus, createdDate: event.occurredAt, updatedDate: event.occurredAt };
    }
    case 'EmailSubscriptionStatusChanged': {
      const { subscriptionStatus, deliverabilityStatus } = event.data;
      return state && { ...state, subscriptionStatus, deliverabilityStatus, updatedDate: event.occurredAt };
    }
    default:
      return state;
  }
}

/** What an email subscription is asked to do: Upsert (one item of Bulk Upsert too). */
export type EmailSubscriptionCommand = { type: 'UpsertEmailSubscription'; data: { upsert: SubscriptionUpsert; subscriptionId: string } };

/** The email subscription's decider: a typed command, an exhaustive switch, `evolveSubscription`. */
export function decideEmailSubscription(command: EmailSubscriptionCommand, state: EmailSubscriptionState | undefined): EmailSubscriptionEvent[] {
  switch (command.type) {
    case 'UpsertEmailSubscription':
      return upsertSubscription(state, command.data.upsert, command.data.subscriptionId);
    default:
      return unknownSubscriptionCommand(command.type);
  }
}

export const emailSubscriptionDecider = { decide: decideEmailSubscription, evolve: evolveSubscription, initialState: (): EmailSubscriptionState | undefined => undefined };

function unknownSubscriptionCommand(type: never): never {
  throw new Error(`Unknown email subscription command ${String(type)}`);
}

export function foldSubscription(events: readonly EmailSubscriptionEventRecord[]): EmailSubscriptionState | undefined {
  return events.reduce<EmailSubscriptionState | undefined>(evolveSubscription, undefined);
}

export function statusOf(state: EmailSubscriptionState | undefined): EmailStatus {
  return state ? { subscriptionStatus: state.subscriptionStatus, deliverabilityStatus: state.deliverabilityStatus } : NO_STATUS;
}

/**
 * The address email campaigns go to (API.md §8.4): the first of the contact's addresses, primary
 * first, whose deliverability is VALID or NOT_SET and that is not UNSUBSCRIBED; none if no address qualifies.
 */
export function effectiveEmail(emails: readonly string[], statuses: EmailStatuses): string | undefined {
  return emails.find((email) => {
    const status = statuses.get(emailKey(email)) ?? NO_STATUS;
    return status.subscriptionStatus !== 'UNSUBSCRIBED' && (status.deliverabilityStatus === 'VALID' || status.deliverabilityStatus === 'NOT_SET');
  });
}
