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

export function evolveReservation(current: MergeReservation | undefined, event: MergeReservationEventRecord): MergeReservation | undefined {
  if (event.type === 'MergeReserved') return { mergeId: event.data.mergeId, targetContactId: event.data.targetContactId, reservedAt: event.occurredAt };
  return current?.mergeId === event.data.mergeId ? undefined : current;
}

/** The reservation a contact's stream holds now, if any. */
export function currentReservation(events: readonly MergeReservationEventRecord[]): MergeReservation | undefined {
  return events.reduce<MergeReservation | undefined>(evolveReservation, undefined);
}

/** What a contact's merge-reservation stream is asked to do. `heldByOther` is the caller's judgement (see reserveForMerge). */
export type MergeReservationCommand =
  | { type: 'ReserveForMerge'; data: { contactId: string; mergeId: string; targetContactId: string; heldByOther: boolean } }
  | { type: 'ReleaseMergeReservation'; data: { mergeId: string } };

/** The merge reservation's decider: a typed command, an exhaustive switch, `evolveReservation`. */
export function decideMergeReservation(command: MergeReservationCommand, current: MergeReservation | undefined): MergeReservationEvent[] {
  switch (command.type) {
    case 'ReserveForMerge':
      return reserveForMerge(command.data.contactId, current, command.data.heldByOther, command.data.mergeId, command.data.targetContactId);
    case 'ReleaseMergeReservation':
      return releaseMergeReservation(current, command.data.mergeId);
    default:
      return unknownCommand(command);
  }
}

export const mergeReservationDecider = { decide: decideMergeReservation, evolve: evolveReservation, initialState: (): MergeReservation | undefined => undefined };

function unknownCommand(command: never): never {
  throw new Error(`Unknown merge reservation command ${JSON.stringify(command)}`);
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
