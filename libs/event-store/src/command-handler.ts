import { AppError } from '@cp/errors';
import { AppendResult, EventMetadata, EventStore, ExpectedRevision, isWrongExpectedRevision, RecordedEvent } from './event-store.port';

/** What a decision appends (none: there is nothing to do) and what the command answers. */
export interface Decision<Result> {
  events: readonly { type: string; data: unknown; id?: string }[];
  result: Result;
}

export interface CommandOptions<State> {
  /** The appended events' metadata (site, actor, correlation, time), built for each attempt. */
  metadata: () => EventMetadata;
  /** The stream as the error names it when contention outlasts the attempts, e.g. "the labels of the site". */
  subject?: string;
  /**
   * The stream's state as the caller already folded it, up to a revision (a long-running process
   * deciding on its own stream, such as a bulk job's runner): only the events after that revision
   * are read, and folded onto it. The expected revision is the same as without it.
   */
  known?: KnownState<State>;
}

export interface KnownState<State> {
  state: State;
  revision: number;
}

/** The retry policy of every command: a decision that lost to a concurrent writer is taken again on what it wrote, this many times in all. */
export const MAX_COMMAND_ATTEMPTS = 10;

/** The revision an append deciding on these events expects: the last one's, or no stream. */
export function expectedRevisionOf(events: readonly RecordedEvent[]): ExpectedRevision {
  return events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
}

/**
 * The command handler, in the shape of Emmett's `handleCommand`: reads the stream, folds it into
 * state, decides, and appends what was decided with the revision read as the expected
 * revision. A concurrent writer in between makes the append fail; the decision is then taken
 * again on the state that includes what the winner wrote (set-wide rules stay true: two
 * claimers cannot both win). Too many lost races in a row are a 503 CONTENDED.
 *
 * For the streams decided on their latest state (catalogs, claims, reservations, subscriptions,
 * feeds, jobs). A change the caller made on a revision it read (Update Contact with `revision`)
 * must not be retried: it is a 409 instead; contacts also append their identity claims in the
 * same write, which `ContactWrites` does on top of the multi-stream append.
 */
export async function handleCommand<State, Result>(
  store: EventStore,
  streamId: string,
  fold: (events: RecordedEvent[], from?: State) => State,
  decide: (state: State) => Decision<Result> | Promise<Decision<Result>>,
  options: CommandOptions<State>,
): Promise<{ result: Result; appended?: AppendResult; revision: number }> {
  const known = options.known;
  for (let attempt = 0; attempt < MAX_COMMAND_ATTEMPTS; attempt++) {
    const stored = await store.readStream(streamId, known && { fromRevision: known.revision + 1 });
    const { events, result } = await decide(known ? fold(stored, known.state) : fold(stored));
    const expected = stored.length === 0 && known ? known.revision : expectedRevisionOf(stored);
    // The stream's revision after the command (-1: no stream), which a caller holding its state keeps.
    if (events.length === 0) return { result, revision: expected === 'no_stream' ? -1 : (expected as number) };
    const metadata = options.metadata();
    try {
      const appended = await store.append(
        streamId,
        events.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata })),
        expected,
      );
      return { result, appended, revision: appended.revision };
    } catch (error) {
      if (!isWrongExpectedRevision(error)) throw error;
    }
  }
  throw new AppError('UNAVAILABLE', 'CONTENDED', `Too many concurrent changes to ${options.subject ?? streamId}; retry`);
}
