import { AppError } from '@cp/errors';
import { AppendResult, EventMetadata, EventStore, isWrongExpectedRevision, RecordedEvent } from '@cp/event-store';
import { toNewEvents } from './event-metadata';

const MAX_ATTEMPTS = 10;

/**
 * Read, decide, append with the revision read, for the small streams that guard set-wide rules
 * (identity claims, merge reservations): two writers cannot both append on the same revision,
 * so the loser reads again and decides on what the winner wrote. `decide` returning no event
 * means there is nothing to do (resolves to undefined); otherwise to where the events went.
 */
export async function decideOnStream(
  store: EventStore,
  stream: string,
  decide: (events: RecordedEvent[]) => Promise<readonly { type: string; data: unknown }[]>,
  metadata: () => EventMetadata,
  subject: string,
): Promise<AppendResult | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const events = await store.readStream(stream);
    const decided = await decide(events);
    if (decided.length === 0) return undefined;
    const revision = events.length === 0 ? ('no_stream' as const) : events[events.length - 1].revision;
    try {
      return await store.append(stream, toNewEvents(decided, metadata()), revision);
    } catch (error) {
      if (!isWrongExpectedRevision(error)) throw error;
    }
  }
  throw new AppError('UNAVAILABLE', 'CONTENDED', `Too many concurrent changes to ${subject}; retry`);
}

/** A stored event as the domain folds it. */
export function recordOf<T>(event: RecordedEvent): T {
  return { type: event.type, data: event.data, occurredAt: event.occurredAt } as T;
}
