import { EventStore, isWrongExpectedRevision, PartialAppendError } from './event-store.port';
import { withAppends } from './append-decorator';

export type AppendOutcome = 'ok' | 'conflict' | 'error';

/**
 * The same store, its appends timed: `start()` is called as each `append` or `appendToStreams`
 * begins, and what it returns with the outcome once it is done (a stale expected revision is a
 * `conflict`). Everything else is the store's own, untouched: one decorator for every adapter.
 */
export function observeAppends<Store extends EventStore>(store: Store, start: () => (outcome: AppendOutcome) => void): Store {
  const timed =
    <Args extends unknown[], Result>(operation: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      const done = start();
      try {
        const result = await operation(...args);
        done('ok');
        return result;
      } catch (error) {
        const cause = error instanceof PartialAppendError ? error.cause : error;
        done(isWrongExpectedRevision(cause) ? 'conflict' : 'error');
        throw error;
      }
    };
  const append = timed(store.append.bind(store));
  const appendToStreams = timed(store.appendToStreams.bind(store));
  return withAppends(store, { append, appendToStreams });
}
