import { ClaimState, evolveClaims, IdentityClaimEventRecord } from '@cp/contacts-domain';
import { EventStore, ExpectedRevision, recordOf } from '@cp/event-store';

export interface ReadClaims {
  holders: ClaimState;
  /** What an append deciding on these holders expects the stream to be at. */
  expected: ExpectedRevision;
}

/**
 * The folded state of identity-claim streams. A stream gains an event with every contact that
 * takes or drops the identity, so folding it whole on each check made a create slower with
 * every contact sharing a phone; here each stream is read from the revision after the last one
 * folded, so a check costs the events since the previous check. States of the least recently
 * used streams are dropped past `capacity` (and folded whole again when next needed).
 *
 * A state is folded in place and may be newer than the revision a caller decided on; the
 * expected revision of the caller's append refuses whatever that would get wrong.
 */
export class ClaimStates {
  private readonly states = new Map<string, { revision: number; holders: ClaimState }>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 20_000,
  ) {}

  async read(stream: string): Promise<ReadClaims> {
    const cached = this.states.get(stream) ?? { revision: -1, holders: new Map<string, string>() };
    const events = await this.store.readStream(stream, { fromRevision: cached.revision + 1 });
    // Another read of this stream may have folded further meanwhile: fold only what is newer.
    for (const event of events) {
      if (event.revision <= cached.revision) continue;
      evolveClaims(cached.holders, recordOf<IdentityClaimEventRecord>(event));
      cached.revision = event.revision;
    }
    this.remember(stream, cached);
    return { holders: cached.holders, expected: cached.revision < 0 ? 'no_stream' : cached.revision };
  }

  private remember(stream: string, state: { revision: number; holders: ClaimState }): void {
    // A Map iterates in insertion order: re-inserting marks the stream as the most recent.
    this.states.delete(stream);
    this.states.set(stream, state);
    if (this.states.size > this.capacity) this.states.delete(this.states.keys().next().value!);
  }
}
