import { AppError } from '@cp/errors';

/**
 * A merge reserves every contact it involves — its target and its sources — before its commit
 * point, in one stream per contact, appended with the revision read. Two merges that share a
 * contact therefore cannot both commit: no source is merged into two targets, and no contact
 * is merged away while it absorbs another.
 */
export type MergeReservationEvent =
  | { type: 'MergeReserved'; data: { mergeId: string; targetContactId: string } }
  | { type: 'MergeReservationReleased'; data: { mergeId: string } };

export type MergeReservationEventRecord = MergeReservationEvent & { occurredAt: string };

export interface MergeReservation {
  mergeId: string;
  targetContactId: string;
  reservedAt: string;
}

/** The reservation a contact's stream holds now, if any. */
export function currentReservation(events: readonly MergeReservationEventRecord[]): MergeReservation | undefined {
  let current: MergeReservation | undefined;
  for (const event of events) {
    if (event.type === 'MergeReserved') current = { mergeId: event.data.mergeId, targetContactId: event.data.targetContactId, reservedAt: event.occurredAt };
    else if (current?.mergeId === event.data.mergeId) current = undefined;
  }
  return current;
}

/**
 * Decides a reservation. `heldByOther`: whether another merge's reservation still counts (the
 * caller judges it: a merge in flight, or committed with this contact still to be marked).
 */
export function reserveForMerge(
  contactId: string,
  current: MergeReservation | undefined,
  heldByOther: boolean,
  mergeId: string,
  targetContactId: string,
): MergeReservationEvent[] {
  if (current?.mergeId === mergeId) return [];
  if (current && heldByOther) {
    throw AppError.conflict('MERGE_IN_PROGRESS', `Contact ${contactId} is part of another merge in progress; retry later`, { contactId });
  }
  return [{ type: 'MergeReserved', data: { mergeId, targetContactId } }];
}

/** Releases the merge's own reservation; another merge's is left alone. */
export function releaseMergeReservation(current: MergeReservation | undefined, mergeId: string): MergeReservationEvent[] {
  return current?.mergeId === mergeId ? [{ type: 'MergeReservationReleased', data: { mergeId } }] : [];
}
