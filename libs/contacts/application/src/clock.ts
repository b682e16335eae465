import { randomUUID } from 'node:crypto';

/** Time and ids, injected so tests can pin them. */
export interface Clock {
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

export type IdSource = () => string;

export const uuidSource: IdSource = () => randomUUID();
