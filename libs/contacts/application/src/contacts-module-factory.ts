import { contactDataKeyId } from '@cp/contracts';
import { DataKeys, EventStore } from '@cp/event-store';
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
import { erasedIsNotFound, IdentityStreams, sealContactEvents } from './personal-data';
import { MergeReservations } from './merge-reservations';

export interface ContactsApplication {
  /** The service's event store with its personal data sealed: what everything else of the service reads it through (the public-event relay too). */
  eventStore: EventStore;
  /** How the claim streams of emails and phones are named (keyed hashes): the public-event relay reads them too. */
  identityStreams: IdentityStreams;
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
  /** The data keys its personal data is sealed with (docs/privacy.md); destroying one erases a contact. */
  dataKeys: DataKeys;
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
  const eventStore = sealContactEvents(options.eventStore, options.dataKeys);
  const clock = options.clock ?? systemClock;
  const repository = new ContactRepository(eventStore);
  const projection = new ContactsProjection(eventStore, options.readStore, options.logger);
  const identityStreams = new IdentityStreams(options.dataKeys);
  const claims = new IdentityClaims(eventStore, repository, clock, identityStreams);
  const definitions = new Definitions(options.readStore, options.owners);
  const references = new ContactReferences(definitions);
  const newId = options.newId ?? uuidSource;
  const reservations = new MergeReservations(eventStore, clock);
  const queries = new ContactQueries(options.readStore, repository, definitions, options.searchCountLimit);
  const writes = new ContactWrites(eventStore, repository, claims);
  const dataKeys = {
    keyOf: (siteId: string, contactId: string) => erasedIsNotFound(() => options.dataKeys.keyFor(contactDataKeyId(siteId, contactId))),
    shred: async (siteId: string, contactId: string) => {
      await options.dataKeys.destroy(contactDataKeyId(siteId, contactId));
      await options.readStore.purge();
    },
  };
  const commands = new ContactCommands(repository, writes, references, projection, clock, newId, reservations, queries, dataKeys);
  return {
    eventStore,
    identityStreams,
    commands,
    queries,
    bulkJobs: new BulkJobs(eventStore, options.readStore, commands, queries, projection, references, newId, clock, options.logger, options.listChunkSize),
    exports: new Exports(eventStore, queries, newId, clock, options.listChunkSize),
    imports: new Imports(eventStore, options.readStore, commands, queries, options.owners, projection, newId, clock, options.logger),
    projection,
    definitionEvents: new DefinitionEvents(definitions, commands, projection, options.readStore),
    facets: new ContactFacets(options.readStore, options.owners),
    history: new ContactHistory(eventStore),
    emailSubscriptions: new EmailSubscriptions(eventStore, options.readStore, projection, clock),
    mergeCompleter: new MergeCompleter(eventStore, options.readStore, commands, options.logger),
  };
}
