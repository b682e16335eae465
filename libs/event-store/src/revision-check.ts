import { ExpectedRevision, WrongExpectedRevisionError } from './event-store.port';

/** The embedded adapters' optimistic-concurrency rule; `current` is -1 for a missing stream. */
export function checkExpectedRevision(streamId: string, expected: ExpectedRevision, current: number): void {
  if (expected === 'any') return;
  const actual = current < 0 ? 'no_stream' : current;
  if (expected === 'no_stream' ? current >= 0 : expected !== current) {
    throw new WrongExpectedRevisionError(streamId, expected, actual);
  }
}
