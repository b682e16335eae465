import { EventStore } from '@cp/event-store';
import { ReadStore } from '@cp/read-store';
import { Clock, IdSource, systemClock, uuidSource } from './clock';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { ContactRepository } from './contact-repository';
import { ProjectionLogger } from '@cp/projection';
import { ContactsProjection } from './contacts-projection';
import { IdentityClaims } from './identity-claims';

export interface ContactsApplication {
  commands: ContactCommands;
  queries: ContactQueries;
  projection: ContactsProjection;
}

/** Wires the contacts application from its ports; apps and tests both build it this way. */
export function createContactsApplication(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  logger: ProjectionLogger;
  clock?: Clock;
  newId?: IdSource;
}): ContactsApplication {
  const clock = options.clock ?? systemClock;
  const repository = new ContactRepository(options.eventStore);
  const projection = new ContactsProjection(options.eventStore, options.readStore, options.logger);
  const claims = new IdentityClaims(options.eventStore, repository, clock);
  return {
    commands: new ContactCommands(repository, claims, projection, clock, options.newId ?? uuidSource),
    queries: new ContactQueries(options.readStore, repository),
    projection,
  };
}
