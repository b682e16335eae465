import { AppError, FieldViolation } from '@cp/errors';

/**
 * A webhook subscription: where a site's events go, which ones, signed how. Its stream also
 * records replay requests, so everything asked of a subscription is in its history.
 */
export type WebhookFormat = 'WIX_JWT' | 'STANDARD_WEBHOOKS';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['WIX_JWT', 'STANDARD_WEBHOOKS'];
export type SubscriptionStatus = 'ACTIVE' | 'PAUSED';
export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = ['ACTIVE', 'PAUSED'];

export interface SubscriptionState {
  id: string;
  url: string;
  eventTypes: string[];
  format: WebhookFormat;
  excludeOwnChanges: boolean;
  /** The API key (its name) that created it: `excludeOwnChanges` suppresses that key's changes. */
  owner: string;
  /** STANDARD_WEBHOOKS only: the HMAC secret, shown once at creation. */
  secret?: string;
  status: SubscriptionStatus;
  createdDate: string;
  updatedDate: string;
  deleted: boolean;
}

export type SubscriptionEvent =
  | { type: 'WebhookSubscriptionCreated'; data: Omit<SubscriptionState, 'createdDate' | 'updatedDate' | 'deleted' | 'status'> }
  | { type: 'WebhookSubscriptionUpdated'; data: Partial<Pick<SubscriptionState, 'url' | 'eventTypes' | 'excludeOwnChanges' | 'status'>> }
  | { type: 'WebhookSubscriptionDeleted'; data: Record<string, never> }
  | { type: 'WebhookReplayRequested'; data: ReplayRequest };

/** A replay and what the subscription wanted when it was asked for (a replay run again after a crash sends the same). */
export interface ReplayRequest {
  replayId: string;
  fromDate: string;
  wanted: Pick<SubscriptionState, 'eventTypes' | 'excludeOwnChanges' | 'owner'>;
}

export interface SubscriptionEventRecord {
  type: SubscriptionEvent['type'];
  data: unknown;
  occurredAt: string;
}

export const SUBSCRIPTION_LIMITS = { urlLength: 2048, eventTypes: 50 } as const;

export interface SubscriptionFields {
  url?: unknown;
  eventTypes?: unknown;
  format?: unknown;
  excludeOwnChanges?: unknown;
  status?: unknown;
}

export interface CreateSubscription {
  id: string;
  owner: string;
  fields: SubscriptionFields;
  knownEventTypes: readonly string[];
  /** Made by the caller only when the format needs one. */
  newSecret: () => string;
}

export function decideCreate(command: CreateSubscription): SubscriptionEvent[] {
  const { fields } = command;
  const violations: FieldViolation[] = [];
  const url = checkUrl(fields.url, 'subscription.url', violations, true);
  const eventTypes = checkEventTypes(fields.eventTypes, command.knownEventTypes, violations, true);
  const format = fields.format === undefined ? 'WIX_JWT' : fields.format;
  if (!WEBHOOK_FORMATS.includes(format as WebhookFormat)) {
    violations.push({ field: 'subscription.format', description: `must be one of ${WEBHOOK_FORMATS.join(', ')}`, violatedRule: 'VALUE' });
  }
  const excludeOwnChanges = checkBoolean(fields.excludeOwnChanges, 'subscription.excludeOwnChanges', violations) ?? false;
  if (fields.status !== undefined) violations.push({ field: 'subscription.status', description: 'is set by the server; change it with Update', violatedRule: 'READ_ONLY' });
  if (violations.length > 0) throw AppError.invalid(violations);
  return [
    {
      type: 'WebhookSubscriptionCreated',
      data: {
        id: command.id,
        url: url!,
        eventTypes: eventTypes!,
        format: format as WebhookFormat,
        excludeOwnChanges,
        owner: command.owner,
        ...(format === 'STANDARD_WEBHOOKS' && { secret: command.newSecret() }),
      },
    },
  ];
}

/** A PATCH: url, eventTypes, excludeOwnChanges and status may change; the format and the owner may not. */
export function decideUpdate(state: SubscriptionState | undefined, fields: SubscriptionFields, knownEventTypes: readonly string[]): SubscriptionEvent[] {
  const current = existing(state);
  const violations: FieldViolation[] = [];
  const url = checkUrl(fields.url, 'subscription.url', violations, false);
  const eventTypes = checkEventTypes(fields.eventTypes, knownEventTypes, violations, false);
  const excludeOwnChanges = checkBoolean(fields.excludeOwnChanges, 'subscription.excludeOwnChanges', violations);
  if (fields.status !== undefined && !SUBSCRIPTION_STATUSES.includes(fields.status as SubscriptionStatus)) {
    violations.push({ field: 'subscription.status', description: `must be one of ${SUBSCRIPTION_STATUSES.join(', ')}`, violatedRule: 'VALUE' });
  }
  if (fields.format !== undefined && fields.format !== current.format) {
    violations.push({ field: 'subscription.format', description: 'cannot change; create another subscription', violatedRule: 'READ_ONLY' });
  }
  if (violations.length > 0) throw AppError.invalid(violations);
  const change: Extract<SubscriptionEvent, { type: 'WebhookSubscriptionUpdated' }>['data'] = {
    ...(url !== undefined && url !== current.url && { url }),
    ...(eventTypes !== undefined && !sameList(eventTypes, current.eventTypes) && { eventTypes }),
    ...(excludeOwnChanges !== undefined && excludeOwnChanges !== current.excludeOwnChanges && { excludeOwnChanges }),
    ...(fields.status !== undefined && fields.status !== current.status && { status: fields.status as SubscriptionStatus }),
  };
  return Object.keys(change).length > 0 ? [{ type: 'WebhookSubscriptionUpdated', data: change }] : [];
}

export function decideDelete(state: SubscriptionState | undefined): SubscriptionEvent[] {
  existing(state);
  return [{ type: 'WebhookSubscriptionDeleted', data: {} }];
}

export function decideReplay(state: SubscriptionState | undefined, replayId: string, fromDate: unknown, now: Date): SubscriptionEvent[] {
  const { eventTypes, excludeOwnChanges, owner } = existing(state);
  const time = typeof fromDate === 'string' ? Date.parse(fromDate) : NaN;
  if (typeof fromDate !== 'string' || Number.isNaN(time)) throw AppError.invalidField('fromDate', 'must be an ISO-8601 date-time', 'FORMAT');
  if (time > now.getTime()) throw AppError.invalidField('fromDate', 'must not be in the future', 'VALUE');
  return [{ type: 'WebhookReplayRequested', data: { replayId, fromDate: new Date(time).toISOString(), wanted: { eventTypes, excludeOwnChanges, owner } } }];
}

/** What a webhook subscription is asked to do (the Subscriptions API's writes). */
export type WebhookSubscriptionCommand =
  | { type: 'CreateWebhookSubscription'; data: CreateSubscription }
  | { type: 'UpdateWebhookSubscription'; data: { fields: SubscriptionFields; knownEventTypes: readonly string[] } }
  | { type: 'DeleteWebhookSubscription' }
  | { type: 'RequestWebhookReplay'; data: { replayId: string; fromDate: unknown; now: Date } };

/** The webhook subscription's decider: a typed command, an exhaustive switch, `evolveSubscription`. */
export function decideWebhookSubscription(command: WebhookSubscriptionCommand, state: SubscriptionState | undefined): SubscriptionEvent[] {
  switch (command.type) {
    case 'CreateWebhookSubscription':
      if (state) throw AppError.conflict('SUBSCRIPTION_EXISTS', `Webhook subscription ${command.data.id} exists already`);
      return decideCreate(command.data);
    case 'UpdateWebhookSubscription':
      return decideUpdate(state, command.data.fields, command.data.knownEventTypes);
    case 'DeleteWebhookSubscription':
      return decideDelete(state);
    case 'RequestWebhookReplay':
      return decideReplay(state, command.data.replayId, command.data.fromDate, command.data.now);
    default:
      return unknownCommand(command);
  }
}

export const webhookSubscriptionDecider = {
  decide: decideWebhookSubscription,
  evolve: (state: SubscriptionState | undefined, event: SubscriptionEventRecord) => evolveSubscription(state, event),
  initialState: (): SubscriptionState | undefined => undefined,
};

function unknownCommand(command: never): never {
  throw new Error(`Unknown webhook subscription command ${JSON.stringify(command)}`);
}

export function evolveSubscription(state: SubscriptionState | undefined, event: SubscriptionEventRecord): SubscriptionState | undefined {
  switch (event.type) {
    case 'WebhookSubscriptionCreated': {
      const data = event.data as Extract<SubscriptionEvent, { type: 'WebhookSubscriptionCreated' }>['data'];
      return { ...data, status: 'ACTIVE', createdDate: event.occurredAt, updatedDate: event.occurredAt, deleted: false };
    }
    case 'WebhookSubscriptionUpdated':
      return state && { ...state, ...(event.data as Partial<SubscriptionState>), updatedDate: event.occurredAt };
    case 'WebhookSubscriptionDeleted':
      return state && { ...state, deleted: true, updatedDate: event.occurredAt };
    case 'WebhookReplayRequested':
      return state;
  }
}

export function foldSubscription(events: readonly SubscriptionEventRecord[]): SubscriptionState | undefined {
  return events.reduce<SubscriptionState | undefined>(evolveSubscription, undefined);
}

/** Whether a subscription wants an event: its type, and not the owner's own change when it asked so. */
export function wants(subscription: SubscriptionState, eventType: string, changedBy: string | undefined): boolean {
  if (subscription.deleted || !subscription.eventTypes.includes(eventType)) return false;
  return !(subscription.excludeOwnChanges && changedBy !== undefined && changedBy === subscription.owner);
}

function existing(state: SubscriptionState | undefined): SubscriptionState {
  if (!state || state.deleted) throw AppError.notFound('SUBSCRIPTION_NOT_FOUND', 'No such webhook subscription');
  return state;
}

function checkUrl(value: unknown, field: string, violations: FieldViolation[], required: boolean): string | undefined {
  if (value === undefined) {
    if (required) violations.push({ field, description: 'is required', violatedRule: 'REQUIRED' });
    return undefined;
  }
  if (typeof value !== 'string' || value.length > SUBSCRIPTION_LIMITS.urlLength) {
    violations.push({ field, description: `must be an http(s) URL of at most ${SUBSCRIPTION_LIMITS.urlLength} characters`, violatedRule: 'FORMAT' });
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    violations.push({ field, description: 'must be an absolute http(s) URL', violatedRule: 'FORMAT' });
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    violations.push({ field, description: 'must use http or https', violatedRule: 'FORMAT' });
    return undefined;
  }
  if (parsed.username || parsed.password) {
    violations.push({ field, description: 'must not carry credentials', violatedRule: 'FORMAT' });
    return undefined;
  }
  return value;
}

function checkEventTypes(value: unknown, known: readonly string[], violations: FieldViolation[], required: boolean): string[] | undefined {
  const field = 'subscription.eventTypes';
  if (value === undefined) {
    if (required) violations.push({ field, description: 'is required', violatedRule: 'REQUIRED' });
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || value.length > SUBSCRIPTION_LIMITS.eventTypes) {
    violations.push({ field, description: `must be a list of 1 to ${SUBSCRIPTION_LIMITS.eventTypes} event types`, violatedRule: 'FORMAT' });
    return undefined;
  }
  const unknown = value.filter((type) => typeof type !== 'string' || !known.includes(type));
  if (unknown.length > 0) {
    violations.push({ field, description: `unknown event types: ${unknown.map(String).join(', ')}`, violatedRule: 'VALUE', data: { known: [...known] } });
    return undefined;
  }
  return [...new Set(value as string[])];
}

function checkBoolean(value: unknown, field: string, violations: FieldViolation[]): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    violations.push({ field, description: 'must be a boolean', violatedRule: 'FORMAT' });
    return undefined;
  }
  return value;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
