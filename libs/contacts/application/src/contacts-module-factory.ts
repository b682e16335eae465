import { EventStore } from '@cp/event-store';
import { ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { Clock, IdSource, systemClock, uuidSource } from './clock';
import { ContactCommands } from './contact-commands';
import { ContactQueries } from './contact-queries';
import { ContactReferences } from './contact-references';
import { ContactRepository } from './contact-repository';
import { ContactsProjection } from './contacts-projection';
import { DefinitionEvents } from './definition-cleanup';
import { DefinitionOwners, Definitions } from './definitions';
import { IdentityClaims } from './identity-claims';

export interface ContactsApplication {
  commands: ContactCommands;
  queries: ContactQueries;
  projection: ContactsProjection;
  definitionEvents: DefinitionEvents;
}

/** Wires the contacts application from its ports; apps and tests both build it this way. */
export function createContactsApplication(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  owners: DefinitionOwners;
  logger: ProjectionLogger;
  clock?: Clock;
  newId?: IdSource;
}): ContactsApplication {
  const clock = options.clock ?? systemClock;
  const repository = new ContactRepository(options.eventStore);
  const projection = new ContactsProjection(options.eventStore, options.readStore, options.logger);
  const claims = new IdentityClaims(options.eventStore, repository, clock);
  const definitions = new Definitions(options.readStore, options.owners);
  const commands = new ContactCommands(repository, claims, new ContactReferences(definitions), projection, clock, options.newId ?? uuidSource);
  return {
    commands,
    queries: new ContactQueries(options.readStore, repository),
    projection,
    definitionEvents: new DefinitionEvents(definitions, commands, projection, options.readStore),
  };
}
