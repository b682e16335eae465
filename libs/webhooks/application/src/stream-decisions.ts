import { AppError } from '@cp/errors';
import { EventMetadata, EventStore, isWrongExpectedRevision, RecordedEvent } from '@cp/event-store';

const MAX_ATTEMPTS = 10;

/**
 * Read, decide, append with the revision read; a concurrent writer makes the append fail and
 * the decision is taken again on what it wrote. No event decided: nothing to do.
 */
export async function decideOnStream<T>(
  store: EventStore,
  stream: string,
  decide: (events: RecordedEvent[]) => { events: readonly { type: string; data: unknown; id?: string }[]; result: T },
  metadata: EventMetadata,
): Promise<{ result: T; position?: number; revision?: number }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const stored = await store.readStream(stream);
    const { events, result } = decide(stored);
    if (events.length === 0) return { result };
    const expected = stored.length === 0 ? ('no_stream' as const) : stored[stored.length - 1].revision;
    try {
      const appended = await store.append(stream, events.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata })), expected);
      return { result, position: appended.position, revision: appended.revision };
    } catch (error) {
      if (!isWrongExpectedRevision(error)) throw error;
    }
  }
  throw new AppError('UNAVAILABLE', 'CONTENDED', `Too many concurrent changes to ${stream}; retry`);
}

export function recordOf<T>(event: RecordedEvent): T {
  return { type: event.type, data: event.data, occurredAt: event.occurredAt } as T;
}
