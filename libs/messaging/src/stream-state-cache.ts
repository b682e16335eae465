import { EventStore, RecordedEvent } from '@cp/event-store';

/**
 * The state of a stream right before and right after one of its events, for mappers that read
 * events in order (relays) and need the aggregate's state. Folding the whole stream for every
 * event is quadratic, so the state after the last event of the most recently seen streams is
 * kept (least recently used evicted) and the stream's next event evolves it. Anything else — a
 * replay from an earlier position, an evicted stream, a fresh process — folds the stream up to
 * the event. Streams are never rewritten, so a cached state is never stale.
 */
export class StreamStateCache<S> {
  private readonly states = new Map<string, { revision: number; state: S }>();

  constructor(
    private readonly store: EventStore,
    private readonly evolve: (state: S, event: RecordedEvent) => S,
    private readonly initial: S,
    private readonly capacity = 1_000,
  ) {}

  async step(event: RecordedEvent): Promise<{ before: S; after: S }> {
    const before = await this.stateBefore(event);
    const after = this.evolve(before, event);
    this.remember(event.streamId, event.revision, after);
    return { before, after };
  }

  private async stateBefore(event: RecordedEvent): Promise<S> {
    const cached = this.states.get(event.streamId);
    if (cached?.revision === event.revision - 1) return cached.state;
    if (event.revision === 0) return this.initial;
    const earlier = (await this.store.readStream(event.streamId)).filter((e) => e.revision < event.revision);
    return earlier.reduce(this.evolve, this.initial);
  }

  private remember(streamId: string, revision: number, state: S): void {
    // A Map iterates in insertion order: re-inserting marks the stream as the most recent.
    this.states.delete(streamId);
    this.states.set(streamId, { revision, state });
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }
}
