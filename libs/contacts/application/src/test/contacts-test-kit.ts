import { RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { appendInTurn, DataKeys, EventStore, InMemoryDataKeyStore, InMemoryEventStore, newMasterKey, SqliteEventStore, StreamAppend } from '@cp/event-store';
import { EmbeddedReadStore, ReadStore } from '@cp/read-store';
import { Clock, ContactsApplication, createContactsApplication, DefinitionOwners, FieldInfo } from '../index';

/** Shared by the application's integration suites: a site, a members admin, definitions, a running module. */
export const siteA: RequestContext = { siteId: 'site-a', actor: { type: 'API_KEY', id: 'k' }, correlationId: 'c' };
/** A key with a members scope (the gateway maps it to MEMBERS.MODIFY). */
export const membersAdmin: RequestContext = { ...siteA, permissions: ['MEMBERS.MODIFY'] };

export const quietLogger = { error: jest.fn(), warn: jest.fn() };

/** Stands in for the labels and extended-fields services. */
export const owners: DefinitionOwners = {
  labelExists: async (_context, key) => ['custom.vip', 'custom.gold', 'contacts.customers'].includes(key),
  labels: async () => ['custom.vip', 'custom.gold'].map((key) => ({ key, displayName: key.slice(7), namespace: 'custom', namespaceDisplayName: 'Custom' })),
  field: async (_context, key): Promise<FieldInfo | undefined> =>
    (({
      'custom.score': { key, dataType: 'NUMBER', fieldType: 'USER_DEFINED' },
      'ecom.numOfPurchases': { key, dataType: 'NUMBER', fieldType: 'SYSTEM', writable: false },
      'members.membershipStatus': { key, dataType: 'TEXT', fieldType: 'SYSTEM', writable: false },
    }) as Record<string, FieldInfo>)[key],
  findOrCreateLabel: async (_context, displayName) => `custom.${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  fieldNamed: async (context, displayName) => owners.field(context, `custom.${displayName.toLowerCase()}`),
};

/** A store without multi-stream transactions (as EventStoreDB is) whose appends to `failing` streams fail. */
export class InTurnEventStore extends InMemoryEventStore {
  override readonly atomicMultiStreamAppend = false;
  failing: ((streamId: string) => boolean) | undefined;

  override appendToStreams(appends: readonly StreamAppend[]) {
    return appendInTurn(this, appends);
  }

  override async append(...args: Parameters<InMemoryEventStore['append']>) {
    if (this.failing?.(args[0])) throw new Error('the store is unavailable');
    return super.appendToStreams([{ streamId: args[0], events: args[1], expected: args[2] }]).then(([result]) => result);
  }
}

/** Data keys in memory, under a master key of their own. */
export function testDataKeys(): DataKeys {
  return new DataKeys(new InMemoryDataKeyStore(), newMasterKey());
}

const keysOfStores = new WeakMap<EventStore, DataKeys>();

/** The data keys of the events in one store: replicas and restarts on that store share them, as the processes of a deployment share theirs. */
export function dataKeysOf(store: EventStore): DataKeys {
  let keys = keysOfStores.get(store);
  if (!keys) keysOfStores.set(store, (keys = testDataKeys()));
  return keys;
}

/** The module as the service runs it: projection, bulk jobs and merge completer started. */
export async function startContacts(eventStore: EventStore, readStore: ReadStore, options: { clock?: Clock; dataKeys?: DataKeys } = {}): Promise<ContactsApplication> {
  const app = createContactsApplication({ eventStore, readStore, owners, logger: quietLogger, dataKeys: dataKeysOf(eventStore), ...options });
  await app.projection.start();
  await app.bulkJobs.projection.start();
  await app.imports.projection.start();
  await app.mergeCompleter.start();
  return app;
}

/**
 * For a suite: before each test a running module on a fresh SQLite event store (in memory) and
 * an embedded read store, stopped after it. Read the fields inside the tests.
 */
export function useContactsOnSqlite(): { store: SqliteEventStore; app: ContactsApplication } {
  const running = {} as { store: SqliteEventStore; app: ContactsApplication };
  beforeEach(async () => {
    running.store = new SqliteEventStore(':memory:');
    running.app = await startContacts(running.store, new EmbeddedReadStore());
  });
  afterEach(async () => {
    await stopContacts(running.app);
    await running.store.close();
  });
  return running;
}

export async function stopContacts(app: ContactsApplication): Promise<void> {
  await app.bulkJobs.stop();
  await app.imports.stop();
  await app.mergeCompleter.stop();
  await app.projection.stop();
}

export async function expectError(promise: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    return error as AppError;
  }
  throw new Error(`expected ${code}`);
}
