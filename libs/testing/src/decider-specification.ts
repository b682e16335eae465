/**
 * Given/when/then for a decider, in the shape of Emmett's `DeciderSpecification`
 * (event-driven-io/emmett, `src/packages/emmett/src/testing/deciderSpecification.ts`): given
 * the events a stream holds, when a command is decided, then these events are decided, none are,
 * or the decision throws. Ours folds stored records (an event plus when it occurred) and
 * compares decided events without them, which Emmett's single event type cannot express.
 */
export interface Decider<Command, Event, State, Stored = Event> {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Stored) => State;
  initialState: () => State;
}

export interface DeciderThen<Event> {
  then(expected: Event[]): void;
  thenNothingHappened(): void;
  thenThrows(expected: Record<string, unknown>): void;
}

export const DeciderSpecification = {
  for<Command, Event, State, Stored = Event>(decider: Decider<Command, Event, State, Stored>) {
    return (given: Stored[]) => ({
      when(command: Command): DeciderThen<Event> {
        const decide = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
        return {
          then: (expected) => expect(decide()).toEqual(expected),
          thenNothingHappened: () => expect(decide()).toEqual([]),
          thenThrows: (expected) => {
            let thrown: unknown;
            try {
              decide();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toMatchObject(expected);
          },
        };
      },
    });
  },
};
