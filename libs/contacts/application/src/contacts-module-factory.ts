import { EventStore } from '@cp/event-store';
import { ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { Clock, IdSource, systemClock, uuidSource } from './clock';
import { BulkJobs } from './bulk-jobs';
import { ContactCommands } from './contact-commands';
import { ContactFacets } from './contact-facets';
import { ContactHistory } from './contact-history';
import { ContactQueries } from './contact-queries';
import { ContactReferences } from './contact-references';
import { ContactRepository } from './contact-repository';
import { ContactWrites } from './contact-writes';
import { ContactsProjection } from './contacts-projection';
import { DefinitionEvents } from './definition-cleanup';
import { EmailSubscriptions } from './email-subscriptions';
import { DefinitionOwners, Definitions } from './definitions';
import { IdentityClaims } from './identity-claims';
import { Exports } from './exports';
import { Imports } from './imports';
import { MergeCompleter } from './merge-completer';
import { MergeReservations } from './merge-reservations';

export interface ContactsApplication {
  commands: ContactCommands;
  queries: ContactQueries;
  projection: ContactsProjection;
  definitionEvents: DefinitionEvents;
  facets: ContactFacets;
  bulkJobs: BulkJobs;
  imports: Imports;
  exports: Exports;
  history: ContactHistory;
  emailSubscriptions: EmailSubscriptions;
  /** Finishes merges a crash interrupted after their commit point; start it with the projection. */
  mergeCompleter: MergeCompleter;
}

/** Wires the contacts application from its ports; apps and tests both build it this way. */
export function createContactsApplication(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  owners: DefinitionOwners;
  logger: ProjectionLogger;
  clock?: Clock;
  newId?: IdSource;
  /** How many matches a search counts before it answers tooManyToCount (default 10,000). */
  searchCountLimit?: number;
  /** Items per chunk of the lists exports and bulk jobs fix (default LIST_CHUNK_ITEMS; tests cut them small). */
  listChunkSize?: number;
}): ContactsApplication {
  const clock = options.clock ?? systemClock;
  const repository = new ContactRepository(options.eventStore);
  const projection = new ContactsProjection(options.eventStore, options.readStore, options.logger);
  const claims = new IdentityClaims(options.eventStore, repository, clock);
  const definitions = new Definitions(options.readStore, options.owners);
  const references = new ContactReferences(definitions);
  const newId = options.newId ?? uuidSource;
  const reservations = new MergeReservations(options.eventStore, clock);
  const queries = new ContactQueries(options.readStore, repository, definitions, options.searchCountLimit);
  const writes = new ContactWrites(options.eventStore, repository, claims);
  const commands = new ContactCommands(repository, writes, references, projection, clock, newId, reservations, queries);
  return {
    commands,
    queries,
    bulkJobs: new BulkJobs(options.eventStore, options.readStore, commands, queries, projection, references, newId, clock, options.logger, options.listChunkSize),
    exports: new Exports(options.eventStore, queries, newId, clock, options.listChunkSize),
    imports: new Imports(options.eventStore, options.readStore, commands, queries, options.owners, projection, newId, clock, options.logger),
    projection,
    definitionEvents: new DefinitionEvents(definitions, commands, projection, options.readStore),
    facets: new ContactFacets(options.readStore, options.owners),
    history: new ContactHistory(options.eventStore),
    emailSubscriptions: new EmailSubscriptions(options.eventStore, options.readStore, projection, clock),
    mergeCompleter: new MergeCompleter(options.eventStore, options.readStore, commands, options.logger),
  };
}
