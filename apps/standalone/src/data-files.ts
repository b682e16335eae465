import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataKeys, SqliteDataKeyStore } from '@cp/event-store';
import { EmbeddedReadStore, ReadStore, SqliteReadStore } from '@cp/read-store';
import type { ReadStoreKind } from './config';

/**
 * The standalone app's files under DATA_DIR, named in one place: the main thread and the
 * webhooks worker open some of the same ones, and a name spelled twice could split the data.
 */
export function eventStoreFile(dataDir: string, service: string): string {
  return join(dataDir, `${service}-events.sqlite`);
}

/** A service's read models, and the checkpoints of the projections that feed them. */
export function readStoreFile(dataDir: string, service: string): string {
  return join(dataDir, `${service}-read.sqlite`);
}

/** A service's read store as READ_STORE says (the main thread and the webhooks worker alike). */
export function openReadStore(kind: ReadStoreKind, dataDir: string, service: string, schemaVersion: number): ReadStore {
  return kind === 'sqlite' ? new SqliteReadStore(readStoreFile(dataDir, service), { schemaVersion }) : new EmbeddedReadStore();
}

/** The data keys personal data is sealed with (docs/privacy.md), shared by the main thread and the webhooks worker. */
export function dataKeysFile(dataDir: string): string {
  return join(dataDir, 'data-keys.sqlite');
}

/** The data keys under DATA_DIR, each opener on a connection of its own. */
export function openDataKeys(dataDir: string, masterKey: Buffer): DataKeys {
  return new DataKeys(new SqliteDataKeyStore(dataKeysFile(dataDir)), masterKey);
}

/** Checkpoints of what writes durable output (public relays, the webhooks dispatcher and replays). */
export function checkpointsFile(dataDir: string): string {
  return join(dataDir, 'checkpoints.sqlite');
}

/** Holds the pid of the app serving DATA_DIR, so that tools which must not run beside it (a rebuild that swaps files) can tell. */
function appPidFile(dataDir: string): string {
  return join(dataDir, 'standalone.pid');
}

/** Marks DATA_DIR as served by this process; the returned function unmarks it. */
export function markDataDirServed(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(appPidFile(dataDir), `${process.pid}\n`);
  return () => {
    if (dataDirServedBy(dataDir) === process.pid) rmSync(appPidFile(dataDir), { force: true });
  };
}

/** The pid of a live process serving DATA_DIR, if any (a pid file left by a killed app names a dead process). */
export function dataDirServedBy(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(appPidFile(dataDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
