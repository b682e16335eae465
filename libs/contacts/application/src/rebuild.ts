import { EventStore } from '@cp/event-store';
import { ProjectionCheckpoints, ProjectionLogger } from '@cp/projection';
import { ReadStore } from '@cp/read-store';
import { CONTACTS_COLLECTION } from './contact-read-model';
import { ContactsProjection } from './contacts-projection';

export interface RebuildProgress {
  position: number;
  head: number;
}

export interface RebuildResult {
  events: number;
  seconds: number;
}

/**
 * Rebuilds the contacts read model from zero without taking it away from queries: the events
 * are projected into a new collection, which then replaces the live one, and a last pass
 * applies what arrived meanwhile (projections are idempotent, so overlap is harmless).
 */
export async function rebuildContactsReadModel(options: {
  eventStore: EventStore;
  readStore: ReadStore;
  logger: ProjectionLogger;
  onProgress?: (progress: RebuildProgress) => void;
}): Promise<RebuildResult> {
  const started = Date.now();
  const aside = `${CONTACTS_COLLECTION}_rebuild_${started}`;
  const head = await options.eventStore.headPosition();
  const projection = new ContactsProjection(options.eventStore, options.readStore, options.logger, aside);
  await projection.start();
  const ticker = setInterval(() => options.onProgress?.({ position: projection.processedPosition, head }), 200);
  try {
    await projection.waitFor(head, 24 * 3600_000);
  } finally {
    clearInterval(ticker);
    await projection.stop();
  }
  options.onProgress?.({ position: projection.processedPosition, head });
  const seconds = (Date.now() - started) / 1000;

  await options.readStore.collection(aside).renameTo(CONTACTS_COLLECTION);
  await options.readStore.collection(ContactsProjection.subscriptionsCollection(aside)).renameTo(ContactsProjection.subscriptionsCollection(CONTACTS_COLLECTION));
  const checkpoints = new ProjectionCheckpoints(options.readStore);
  await checkpoints.save(ContactsProjection.NAME, projection.processedPosition);
  await checkpoints.reset(aside);
  // Events appended while the copy was built: apply them to the new live collection.
  const catchUp = new ContactsProjection(options.eventStore, options.readStore, options.logger);
  await catchUp.start();
  await catchUp.waitFor(await options.eventStore.headPosition(), 600_000);
  await catchUp.stop();
  return { events: head, seconds };
}
