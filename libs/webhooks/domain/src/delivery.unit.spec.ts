import { canAttempt, decideAttemptOutcome, DeliveryEventRecord, DeliveryState, evolveDelivery, foldDelivery } from './delivery';
import { parseRetrySchedule, WIX_RETRY_SCHEDULE } from './retry-schedule';

const target = { deliveryId: 'd-1', subscriptionId: 's-1', eventId: 'e-1', eventType: 'wix.contacts.v4.contact_created', entityKey: 'wix.contacts.v4.contact:c-1', entityId: 'c-1', feedPosition: 7 };
const t0 = new Date('2026-01-01T00:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

function scheduled(): DeliveryState {
  return foldDelivery([{ type: 'WebhookDeliveryScheduled', data: target, occurredAt: t0.toISOString() }])!;
}

function apply(state: DeliveryState, event: Omit<DeliveryEventRecord, 'occurredAt'>, at: Date): DeliveryState {
  return evolveDelivery(state, { ...event, occurredAt: at.toISOString() })!;
}

describe('webhook deliveries', () => {
  it("parses retry schedules, Wix's by default", () => {
    expect(parseRetrySchedule(WIX_RETRY_SCHEDULE)).toHaveLength(12);
    expect(parseRetrySchedule('300ms, 2s,1m,1.5h')).toEqual([300, 2000, 60_000, 5_400_000]);
    expect(() => parseRetrySchedule('1m,soon')).toThrow(/"soon"/);
  });

  it('retries on the schedule, then fails; a redelivery starts a fresh round', () => {
    const schedule = [1000, 5000];
    let state = scheduled();
    expect(state).toMatchObject({ status: 'PENDING', attempts: 0 });
    const failedOnce = decideAttemptOutcome(state, { delivered: false, statusCode: 500, durationMs: 3 }, schedule, 'w1', t0, 100);
    expect(failedOnce.data).toMatchObject({ outcome: 'RETRYING', attempt: 1, nextAttemptDate: later(1000).toISOString(), leaseUntil: later(1100).toISOString() });
    state = apply(state, failedOnce, t0);
    expect(state).toMatchObject({ status: 'PENDING', attempts: 1, lastStatusCode: 500, lease: { worker: 'w1' } });
    state = apply(state, decideAttemptOutcome(state, { delivered: false, error: 'timeout after 1250 ms', durationMs: 1250 }, schedule, 'w1', later(1000), 100), later(1000));
    const last = decideAttemptOutcome(state, { delivered: false, statusCode: 502, durationMs: 1 }, schedule, 'w1', later(6000), 100);
    expect(last.data.outcome).toBe('FAILED');
    state = apply(state, last, later(6000));
    // lastStatusCode and lastError describe the last attempt only.
    expect(state).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: 502 });
    expect(state.lastError).toBeUndefined();

    state = apply(state, { type: 'WebhookDeliveryRedeliveryRequested', data: {} }, later(7000));
    expect(state).toMatchObject({ status: 'PENDING', attempts: 3, roundAttempts: 0, nextAttemptDate: later(7000).toISOString() });
    state = apply(state, decideAttemptOutcome(state, { delivered: true, statusCode: 204, durationMs: 2 }, schedule, 'w2', later(7000), 100), later(7000));
    expect(state).toMatchObject({ status: 'DELIVERED', attempts: 4, lastStatusCode: 204, deliveredDate: later(7000).toISOString() });
    expect(state.lease).toBeUndefined();
  });

  it('lets one worker attempt at a time, until its lease runs out', () => {
    const state = apply(scheduled(), { type: 'WebhookDeliveryAttemptStarted', data: { attempt: 1, worker: 'w1', leaseUntil: later(3000).toISOString() } }, t0);
    expect(canAttempt(state, 'w1', later(1))).toBe(true);
    expect(canAttempt(state, 'w2', later(1))).toBe(false);
    expect(canAttempt(state, 'w2', later(3000))).toBe(true);
    const retrying = apply(state, decideAttemptOutcome(state, { delivered: false, durationMs: 1 }, [60_000], 'w1', later(10), 5000), later(10));
    expect(canAttempt(retrying, 'w1', later(20))).toBe(false);
    expect(canAttempt(retrying, 'w1', later(60_010))).toBe(true);
    expect(canAttempt(retrying, 'w2', later(60_010))).toBe(false);
    expect(canAttempt(retrying, 'w2', later(65_010))).toBe(true);
  });
});
