import { join } from 'node:path';

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

/** Checkpoints of what writes durable output (public relays, the webhooks dispatcher and replays). */
export function checkpointsFile(dataDir: string): string {
  return join(dataDir, 'checkpoints.sqlite');
}
