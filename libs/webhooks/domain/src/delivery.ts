/**
 * One event on its way to one subscription. Its stream records every attempt, so the pending
 * work (what is due, when, how often it failed) lives in the event store, not in memory: a crash
 * or a receiver down for a day loses nothing. Where workers share the store, each takes a lease
 * before an attempt (an event appended at the revision it read), so two never send the same
 * attempt; a sole worker (standalone) needs none.
 */
export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['PENDING', 'DELIVERED', 'FAILED'];

export interface DeliveryTarget {
  deliveryId: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** `<entityFqdn>:<entityId>`: one entity's deliveries to one subscription go in feed order. */
  entityKey: string;
  entityId: string;
  /** The event's position in the feed: orders the deliveries of one entity. */
  feedPosition: number;
  /** Set when a replay scheduled it. */
  replayId?: string;
}

export interface DeliveryState extends DeliveryTarget {
  status: DeliveryStatus;
  /** Attempts made, all rounds. */
  attempts: number;
  /** Attempts made since it was scheduled or last redelivered: indexes the retry schedule. */
  roundAttempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptDate?: string;
  nextAttemptDate?: string;
  deliveredDate?: string;
  /** Who may attempt it until when; a worker that died stops holding it then. */
  lease?: { worker: string; until: string };
  createdDate: string;
  updatedDate: string;
}

export type DeliveryEvent =
  | { type: 'WebhookDeliveryScheduled'; data: DeliveryTarget }
  | { type: 'WebhookDeliveryAttemptStarted'; data: { attempt: number; worker: string; leaseUntil: string } }
  | {
      type: 'WebhookDeliveryAttempted';
      data: {
        attempt: number;
        outcome: 'DELIVERED' | 'RETRYING' | 'FAILED';
        statusCode?: number;
        error?: string;
        durationMs: number;
        nextAttemptDate?: string;
        /** While it waits for its retry the worker keeps it, so other workers leave it alone. */
        leaseUntil?: string;
        worker: string;
      };
    }
  | { type: 'WebhookDeliveryRedeliveryRequested'; data: Record<string, never> };

export interface DeliveryEventRecord {
  type: DeliveryEvent['type'];
  data: unknown;
  occurredAt: string;
}

export function evolveDelivery(state: DeliveryState | undefined, event: DeliveryEventRecord): DeliveryState | undefined {
  const at = event.occurredAt;
  switch (event.type) {
    case 'WebhookDeliveryScheduled':
      return { ...(event.data as DeliveryTarget), status: 'PENDING', attempts: 0, roundAttempts: 0, nextAttemptDate: at, createdDate: at, updatedDate: at };
    case 'WebhookDeliveryAttemptStarted': {
      const data = event.data as { worker: string; leaseUntil: string };
      return state && { ...state, lease: { worker: data.worker, until: data.leaseUntil }, updatedDate: at };
    }
    case 'WebhookDeliveryAttempted': {
      if (!state) return state;
      const data = event.data as Extract<DeliveryEvent, { type: 'WebhookDeliveryAttempted' }>['data'];
      const { lease: _lease, nextAttemptDate: _next, lastStatusCode: _code, lastError: _error, ...rest } = state;
      return {
        ...rest,
        status: data.outcome === 'RETRYING' ? 'PENDING' : data.outcome,
        attempts: state.attempts + 1,
        roundAttempts: state.roundAttempts + 1,
        ...(data.statusCode !== undefined && { lastStatusCode: data.statusCode }),
        ...(data.error !== undefined && { lastError: data.error }),
        lastAttemptDate: at,
        ...(data.nextAttemptDate && { nextAttemptDate: data.nextAttemptDate }),
        ...(data.leaseUntil && { lease: { worker: data.worker, until: data.leaseUntil } }),
        ...(data.outcome === 'DELIVERED' && { deliveredDate: at }),
        updatedDate: at,
      };
    }
    case 'WebhookDeliveryRedeliveryRequested': {
      if (!state) return state;
      const { lease: _lease, deliveredDate: _delivered, ...rest } = state;
      return { ...rest, status: 'PENDING', roundAttempts: 0, nextAttemptDate: at, updatedDate: at };
    }
  }
}

export function foldDelivery(events: readonly DeliveryEventRecord[]): DeliveryState | undefined {
  return events.reduce<DeliveryState | undefined>(evolveDelivery, undefined);
}

/** Whether `worker` may attempt it at `now`: pending, due, and nobody else holds it. */
export function canAttempt(state: DeliveryState, worker: string, now: Date): boolean {
  if (state.status !== 'PENDING') return false;
  if (state.nextAttemptDate && Date.parse(state.nextAttemptDate) > now.getTime()) return false;
  return !state.lease || state.lease.worker === worker || Date.parse(state.lease.until) <= now.getTime();
}

export interface AttemptResult {
  delivered: boolean;
  statusCode?: number;
  error?: string;
  durationMs: number;
}

/**
 * What an attempt's result makes of the delivery: delivered; or retried after the schedule's
 * next delay (the worker keeps it until a little after that); or, past the schedule, failed.
 */
export function decideAttemptOutcome(
  state: DeliveryState,
  result: AttemptResult,
  retryScheduleMs: readonly number[],
  worker: string,
  now: Date,
  leaseMarginMs: number,
): Extract<DeliveryEvent, { type: 'WebhookDeliveryAttempted' }> {
  const attempt = state.attempts + 1;
  const base = { attempt, durationMs: result.durationMs, worker, ...(result.statusCode !== undefined && { statusCode: result.statusCode }), ...(result.error && { error: result.error }) };
  if (result.delivered) return { type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'DELIVERED' } };
  const delay = retryScheduleMs[state.roundAttempts];
  if (delay === undefined) return { type: 'WebhookDeliveryAttempted', data: { ...base, outcome: 'FAILED' } };
  const next = new Date(now.getTime() + delay);
  return {
    type: 'WebhookDeliveryAttempted',
    data: { ...base, outcome: 'RETRYING', nextAttemptDate: next.toISOString(), leaseUntil: new Date(next.getTime() + leaseMarginMs).toISOString() },
  };
}
