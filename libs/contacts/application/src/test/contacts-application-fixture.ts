import { RequestContext } from '@cp/contracts';
import { DataKeys, InMemoryEventStore } from '@cp/event-store';
import { EmbeddedReadStore } from '@cp/read-store';
import { ContactsApplication, createContactsApplication, DefinitionOwners, FieldInfo } from '../index';
import { siteA, testDataKeys } from './contacts-test-kit';

/** Shared by the contacts-application suites split by capability (contact-*.int.spec.ts and the like). */
export const siteB: RequestContext = { ...siteA, siteId: 'site-b' };

export const logger = { error: jest.fn(), warn: jest.fn() };

export const ada = { name: { first: 'Ada', last: 'Lovelace' }, emails: { items: [{ email: 'ada@example.com' }] } };

/** Stands in for the labels and extended-fields services (their own tests and the end-to-end suites cover them). */
export const owners: DefinitionOwners = {
  labelExists: async (_context, key) => ['custom.vip', 'custom.gold', 'contacts.customers'].includes(key),
  labels: async () =>
    ['custom.vip', 'custom.gold'].map((key) => ({ key, displayName: key.slice(7), namespace: 'custom', namespaceDisplayName: 'Custom' })),
  field: async (_context, key): Promise<FieldInfo | undefined> =>
    (({
      'custom.score': { key, dataType: 'NUMBER', fieldType: 'USER_DEFINED' },
      'custom.site': { key, dataType: 'URL', fieldType: 'USER_DEFINED' },
      'ecom.numOfPurchases': { key, dataType: 'NUMBER', fieldType: 'SYSTEM', writable: false },
      'invoices.vatId': { key, dataType: 'TEXT', fieldType: 'SYSTEM', writable: true },
    }) as Record<string, FieldInfo>)[key],
  findOrCreateLabel: async (_context, displayName) => `custom.${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  fieldNamed: async (context, displayName) => owners.field(context, `custom.${displayName.toLowerCase()}`),
};

export interface RunningApplication {
  app: ContactsApplication;
  events: InMemoryEventStore;
  reads: EmbeddedReadStore;
  /** What a restarted application on the same events must be given to read them. */
  dataKeys: DataKeys;
}

/** A fresh application on in-memory stores, its projection and bulk jobs started (the merge completer is not: no test here needs it). */
export async function startApplication(): Promise<RunningApplication> {
  const events = new InMemoryEventStore();
  const reads = new EmbeddedReadStore();
  const dataKeys = testDataKeys();
  const app = createContactsApplication({ eventStore: events, readStore: reads, owners, logger, dataKeys });
  await app.projection.start();
  await app.bulkJobs.projection.start();
  await app.imports.projection.start();
  return { app, events, reads, dataKeys };
}

export async function stopApplication({ app, events }: RunningApplication): Promise<void> {
  await app.bulkJobs.stop();
  await app.imports.stop();
  await app.projection.stop();
  await events.close();
}

/** A fresh application for each test of the calling suite, stopped after it; read its fields inside a test or hook. */
export function useRunningApplication(): RunningApplication {
  const running = {} as RunningApplication;
  beforeEach(async () => Object.assign(running, await startApplication()));
  afterEach(() => stopApplication(running));
  return running;
}
