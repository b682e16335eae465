import {
  currentReservation,
  MergeReservation,
  MergeReservationEventRecord,
  decideMergeReservation,
} from '@cp/contacts-domain';
import { RequestContext, siteStream } from '@cp/contracts';
import { EventStore, handleCommand, RecordedEvent, recordOf } from '@cp/event-store';
import { Clock } from './clock';
import { metadataFor } from './event-metadata';
import { contactStream } from './streams';

/** `contactmerge-<siteKey>.<contactId>`: not under `contact-`, so contact projections never see it. */
export const MERGE_RESERVATION_STREAM_PREFIX = 'contactmerge-';

export function mergeReservationStream(siteId: string, contactId: string): string {
  return siteStream(MERGE_RESERVATION_STREAM_PREFIX, siteId, contactId);
}

/**
 * Reserves the contacts of a merge before its commit point, so that two merges sharing a
 * contact cannot both commit (see merge-reservation.ts in the domain). A reservation left by a
 * merge that died before its commit point stops counting after a grace period; one whose merge
 * committed keeps its sources reserved (they are merged away) and frees its target.
 */
export class MergeReservations {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly abandonedAfterMs = 30_000,
  ) {}

  /** All or nothing: when one contact is taken, the ones reserved already are released. */
  async reserve(context: RequestContext, contactIds: readonly string[], mergeId: string, targetContactId: string): Promise<void> {
    const reserved: string[] = [];
    try {
      // One order for every merge: of two merges that share contacts, one gets them all.
      for (const contactId of [...contactIds].sort()) {
        await this.decide(context, contactId, async (current) => {
          const heldByOther = current !== undefined && current.mergeId !== mergeId && (await this.stillHeld(context.siteId, contactId, current));
          return decideMergeReservation({ type: 'ReserveForMerge', data: { contactId, mergeId, targetContactId, heldByOther } }, current);
        });
        reserved.push(contactId);
      }
    } catch (error) {
      await this.release(context, reserved, mergeId);
      throw error;
    }
  }

  async release(context: RequestContext, contactIds: readonly string[], mergeId: string): Promise<void> {
    for (const contactId of contactIds) await this.decide(context, contactId, async (current) => decideMergeReservation({ type: 'ReleaseMergeReservation', data: { mergeId } }, current));
  }

  private async decide(context: RequestContext, contactId: string, decide: (current: MergeReservation | undefined) => Promise<readonly { type: string; data: unknown }[]>): Promise<void> {
    await handleCommand(
      this.store,
      mergeReservationStream(context.siteId, contactId),
      (events: RecordedEvent[]) => currentReservation(events.map((e) => recordOf<MergeReservationEventRecord>(e))),
      async (current) => ({ events: await decide(current), result: undefined }),
      { metadata: () => metadataFor(context, this.clock.now()), subject: `the merge reservation of ${contactId}` },
    );
  }

  /** Another merge's reservation counts while that merge may still commit, and after it did for its sources. */
  private async stillHeld(siteId: string, contactId: string, reservation: MergeReservation): Promise<boolean> {
    if (await this.committed(siteId, reservation)) return contactId !== reservation.targetContactId;
    return Date.parse(this.clock.now()) - Date.parse(reservation.reservedAt) < this.abandonedAfterMs;
  }

  private async committed(siteId: string, reservation: MergeReservation): Promise<boolean> {
    const events = await this.store.readStream(contactStream(siteId, reservation.targetContactId));
    return events.some((event) => event.type === 'ContactsMerged' && (event.data as { mergeId?: string }).mergeId === reservation.mergeId);
  }
}
