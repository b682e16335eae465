import { Command } from 'commander';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Identity } from '@cp/contacts-domain';
import { contactSealingPolicy, IDENTITY_STREAM_PREFIX, IdentityStreams, keyedIdempotency } from '@cp/contacts-application';
import { contactDataKeyId, streamEntityId } from '@cp/contracts';
import { DataKeys, EventStore, isSealed, NewEvent, RecordedEvent, sealEvents, SealingPolicy, SqliteEventStore } from '@cp/event-store';
import { feedSealingPolicy } from '@cp/webhooks-application';
import type { CliIo } from '../cli-io';
import { checkSqliteEventStore, openOrCreateDataKeysOf } from '../event-stores';
import { progress } from '../progress';
import { dataDirServedBy, eventStoreFile } from '../standalone-files';
import { UsageError } from '../usage-error';
import { dataDirOption } from './store-options';

interface SealOptions {
  dataDir: string;
}

/** The stores that hold personal data, with what each seals (docs/privacy.md). */
const SEALED_STORES: { service: string; policy: SealingPolicy }[] = [
  { service: 'contacts', policy: contactSealingPolicy },
  { service: 'webhooks', policy: feedSealingPolicy },
];

const PAGE = 1000;

export function registerSealCommand(replay: Command, io: CliIo): void {
  replay
    .command('seal')
    .description("rewrite the standalone app's event stores written before sealing into the sealed form (docs/privacy.md), each into a new file swapped in")
    .addOption(dataDirOption())
    .addHelpText(
      'after',
      `
Once, for a data directory written by a version that kept personal data in clear: every event of
the contacts and webhooks stores is copied in order into a new file, its personal data sealed with
its contact's data key and its identity-claim stream renamed by the keyed hash; the new file then
replaces the old one, which is removed. Stop the app first. Run again, it finds nothing left to
seal. Interrupted, it leaves the live files as they were and starts over.`,
    )
    .action((options: SealOptions) => sealCommand(options, io));
}

async function sealCommand(options: SealOptions, io: CliIo): Promise<void> {
  const dataDir = resolve(options.dataDir);
  if (!statSync(dataDir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`no data directory at ${dataDir} (set DATA_DIR or --data-dir)`);
  const servedBy = dataDirServedBy(dataDir);
  if (servedBy !== undefined) throw new UsageError(`the app (pid ${servedBy}) is serving ${dataDir}: stop it first, then seal`);
  const keys = await openOrCreateDataKeysOf(dataDir);
  try {
    for (const { service, policy } of SEALED_STORES) {
      const file = eventStoreFile(dataDir, service);
      if (!existsSync(file)) continue;
      checkSqliteEventStore(file);
      const report = await sealStore(file, keys, policy, io, service);
      io.stderr.write(
        `${service}: ${report.events} events, ${report.sealed} sealed now, ${report.alreadySealed} sealed before, ${report.renamed} in ${report.renamedStreams} identity-claim streams renamed; ${file} replaced\n`,
      );
    }
  } finally {
    await keys.close();
  }
}

interface SealReport {
  events: number;
  sealed: number;
  alreadySealed: number;
  renamed: number;
  renamedStreams: number;
}

/**
 * Copies every event in order into a fresh file (the same ids, revisions, metadata and global
 * positions, so the checkpoints beside it stay right), then swaps it in. A position that would
 * differ stops it before anything is replaced.
 */
async function sealStore(file: string, keys: DataKeys, policy: SealingPolicy, io: CliIo, service: string): Promise<SealReport> {
  const fresh = `${file}.sealing`;
  removeSqliteFile(fresh);
  const source = new SqliteEventStore(file);
  const plainTarget = new SqliteEventStore(fresh);
  const sealedTarget = sealEvents(plainTarget, keys, policy);
  const names = new IdentityStreams(keys);
  const report: SealReport = { events: 0, sealed: 0, alreadySealed: 0, renamed: 0, renamedStreams: 0 };
  const renamedStreams = new Set<string>();
  try {
    const head = await source.headPosition();
    const shown = progress(`sealing ${service}`, io.stderr);
    for (let after = 0; ; ) {
      const page = await source.readAll({ after, limit: PAGE });
      for (const event of page) {
        const streamId = await migratedStreamId(event, names);
        if (streamId !== event.streamId) {
          report.renamed++;
          renamedStreams.add(streamId);
        }
        const sealedBefore = isSealed(event.data);
        const target: EventStore = sealedBefore ? plainTarget : sealedTarget;
        const appended = await target.append(streamId, [await newEventOf(event, keys)], event.revision === 0 ? 'no_stream' : event.revision - 1);
        if (appended.position !== event.globalPosition) {
          throw new Error(`${file}: event ${event.id} would move from position ${event.globalPosition} to ${appended.position}; nothing was replaced`);
        }
        report.events++;
        if (sealedBefore) report.alreadySealed++;
        else if (policy(streamId, { type: event.type, data: event.data, metadata: { siteId: event.siteId } }) !== undefined) report.sealed++;
      }
      if (page.length === 0) break;
      after = page[page.length - 1].globalPosition;
      shown.update(after, head);
    }
    shown.finish(head, head);
  } catch (error) {
    await plainTarget.close();
    removeSqliteFile(fresh);
    throw error;
  } finally {
    await source.close();
  }
  await plainTarget.close();
  report.renamedStreams = renamedStreams.size;
  // Its WAL and shared memory belong to the old file: gone before the new one takes its name.
  removeSqliteFile(file);
  renameSync(fresh, file);
  return report;
}

/** An identity-claim stream named by the address or phone itself (before sealing): its name by the keyed hash. */
async function migratedStreamId(event: RecordedEvent, names: IdentityStreams): Promise<string> {
  if (!event.streamId.startsWith(IDENTITY_STREAM_PREFIX)) return event.streamId;
  const entity = streamEntityId(event.streamId);
  const colon = entity.indexOf(':');
  const kind = entity.slice(0, colon) as Identity['kind'];
  const value = entity.slice(colon + 1);
  // A hash is base64url: an address has an @, a phone is E.164 with its +.
  if (!value.includes('@') && !value.startsWith('+')) return event.streamId;
  return names.of(event.siteId, { kind, value });
}

/** The event as it was appended; a create's request digest keyed with its contact's data key, as new ones are. */
async function newEventOf(event: RecordedEvent, keys: DataKeys): Promise<NewEvent> {
  const { id, type, data, siteId, schemaVersion, occurredAt, correlationId, causationId, actor, traceContext, idempotency } = event;
  const keyed =
    idempotency && !isSealed(data) && event.streamId.startsWith('contact-')
      ? keyedIdempotency(idempotency, await keys.keyFor(contactDataKeyId(siteId, streamEntityId(event.streamId))))
      : idempotency;
  return { id, type, data, metadata: { siteId, schemaVersion, occurredAt, correlationId, causationId, actor, traceContext, ...(keyed && { idempotency: keyed }) } };
}

function removeSqliteFile(file: string): void {
  for (const suffix of ['-wal', '-shm', '']) rmSync(`${file}${suffix}`, { force: true });
}
