import { ClaimState, evolveClaims, IdentityClaimEventRecord } from '@cp/contacts-domain';
import { AppendResult, EventStore, ExpectedRevision, RecordedEvent, recordOf, StreamAppend } from '@cp/event-store';

export interface ReadClaims {
  holders: ClaimState;
  /** What an append deciding on these holders expects the stream to be at. */
  expected: ExpectedRevision;
}

interface FoldedClaims {
  revision: number;
  holders: ClaimState;
  /** Another writer may have appended since (a conflict said so, or our append came back without its events): read before use. */
  stale: boolean;
}

/**
 * The folded state of identity-claim streams. A stream gains an event with every contact that
 * takes or drops the identity, so folding it whole on each check made a create slower with
 * every contact sharing a phone; here each stream is folded once, then kept up to date with
 * this process's own appends (`committed`), and read again — from the revision after the last
 * one folded — only when it may have moved under us (`moved`, after a refused append). States
 * of the least recently used streams are dropped past `capacity`.
 *
 * A check may thus decide on a state another process has moved past: the expected revision of
 * its append refuses that, and the write decides again on a fresh read. A claim appended with
 * no expected revision (one no rule checks) may miss a holder; none depends on it. Releases
 * read before they decide (`fresh`), since a release with no expected revision must see the
 * contact's claim to drop it.
 */
export class ClaimStates {
  private readonly states = new Map<string, FoldedClaims>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 20_000,
  ) {}

  async read(stream: string, { fresh = false } = {}): Promise<ReadClaims> {
    let state = this.states.get(stream);
    if (!state || state.stale || fresh) state = await this.catchUp(stream, state);
    this.remember(stream, state);
    return { holders: state.holders, expected: state.revision < 0 ? 'no_stream' : state.revision };
  }

  /**
   * Folds what this process just appended (`results[i]` of `appends[i]`) into the claim streams
   * it follows; a claim stream whose events did not come back (EventStoreDB) is read next time.
   */
  committed(appends: readonly StreamAppend[], results: readonly AppendResult[], isClaimStream: (streamId: string) => boolean): void {
    results.forEach((result, i) => {
      const streamId = appends[i].streamId;
      if (!isClaimStream(streamId)) return;
      if (!result.recorded) return this.moved(streamId);
      for (const event of result.recorded) this.fold(event);
    });
  }

  /** A refused append says the stream has moved: read it before the next decision. */
  moved(stream: string): void {
    const state = this.states.get(stream);
    if (state) state.stale = true;
  }

  private async catchUp(stream: string, known: FoldedClaims | undefined): Promise<FoldedClaims> {
    const state = known ?? { revision: -1, holders: new Map<string, string>(), stale: false };
    state.stale = false; // before the read: a gap noticed while it runs marks the state again
    const events = await this.store.readStream(stream, { fromRevision: state.revision + 1 });
    for (const event of events) this.foldInto(state, event);
    return state;
  }

  private fold(event: RecordedEvent): void {
    const state = this.states.get(event.streamId);
    if (!state) return; // not followed here: folded whole when next needed
    if (event.revision === state.revision + 1) this.foldInto(state, event);
    else if (event.revision > state.revision) state.stale = true; // a gap: another writer's events in between
  }

  /** Another read or append may have folded further meanwhile: fold only what is newer. */
  private foldInto(state: FoldedClaims, event: RecordedEvent): void {
    if (event.revision <= state.revision) return;
    if (!event.redacted) evolveClaims(state.holders, recordOf<IdentityClaimEventRecord>(event));
    state.revision = event.revision;
  }

  private remember(stream: string, state: FoldedClaims): void {
    // A Map iterates in insertion order: re-inserting marks the stream as the most recent.
    this.states.delete(stream);
    this.states.set(stream, state);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }
}
