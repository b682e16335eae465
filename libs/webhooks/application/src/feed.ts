import { contactDataKeyId, isPublicEventType, PUBLIC_EVENT_TYPES, PublicEntityFqdns, PublicEvent, PublishedPublicEvent } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { DataKeyDestroyedError, EventStore, handleCommand, NewEvent, RecordedEvent, SealingPolicy } from '@cp/event-store';
import { entityKeyOf, FEED_PREFIX, feedStream, siteFeedPrefix, streamEntityKey } from './streams';

/** What a feed stream's event holds: the public event as delivered, and where its owner made it. */
export interface FeedRecord {
  event: PublicEvent;
  sourcePosition: [number, number];
}

export interface FeedPage {
  events: PublicEvent[];
  nextCursor: string;
  hasMore: boolean;
}

export const FEED_LIMITS = { defaultLimit: 100, maxWaitMs: 25_000 } as const;

/**
 * The change feed: every public event of every site, stored once, in the order the feed
 * received them (one stream per entity, so one entity's events keep their owner's order).
 * Storing it is what makes an event deliverable; its global position is the feed's cursor.
 */
export class EventFeed {
  private readonly appended = new Set<() => void>();

  constructor(private readonly store: EventStore) {}

  /**
   * Stores a public event unless the feed has it already: the owners' relays are at least once,
   * so one not newer (by `sourcePosition`) than the entity's last is a redelivery. The feed
   * numbers each entity's events (`entityEventSequence`) as it stores them.
   */
  async record(published: PublishedPublicEvent): Promise<boolean> {
    const event = checkedEvent(published);
    try {
      return await this.appendIfNew(published, event);
    } catch (error) {
      // Its contact was erased meanwhile (a relay running behind): what it says of them must not be kept.
      if (error instanceof DataKeyDestroyedError) return false;
      throw error;
    }
  }

  private async appendIfNew(published: PublishedPublicEvent, event: PublicEvent): Promise<boolean> {
    const { result } = await handleCommand(
      this.store,
      feedStream(event.instanceId, entityKeyOf(event)),
      (stored) => stored,
      (stored) => {
        const lastStored = stored[stored.length - 1];
        // After an erasure only its own notice is new: what came before is redacted, its order gone with it.
        if (lastStored?.redacted && !event.triggeredByAnonymizeRequest) return { events: [], result: false };
        const last = lastStored?.redacted ? undefined : (lastStored?.data as FeedRecord | undefined);
        if (last && !isNewer(published.sourcePosition, last.sourcePosition)) return { events: [], result: false };
        const record: FeedRecord = { event: { ...event, entityEventSequence: stored.length + 1 }, sourcePosition: published.sourcePosition };
        return { events: [{ id: event.id, type: event.eventType, data: record }], result: true };
      },
      { metadata: () => ({ siteId: event.instanceId, correlationId: published.correlationId, actor: { type: 'SYSTEM', id: 'webhooks' } }) },
    );
    if (result) this.appended.forEach((wake) => wake());
    return result;
  }

  /** A site's events after a cursor, in feed order; waits up to `waitMs` for the first one when there is none yet. */
  async page(siteId: string, options: { cursor?: string; limit?: number; eventTypes?: readonly string[]; waitMs?: number }): Promise<FeedPage> {
    const after = decodeCursor(options.cursor);
    const limit = options.limit ?? FEED_LIMITS.defaultLimit;
    const deadline = Date.now() + Math.min(options.waitMs ?? 0, FEED_LIMITS.maxWaitMs);
    for (;;) {
      const page = await this.read(siteId, after, limit, options.eventTypes);
      if (page.events.length > 0 || Date.now() >= deadline) return page;
      await this.nextAppend(deadline - Date.now());
      if (page.nextCursor !== encodeCursor(after)) return page;
    }
  }

  /** The feed event stored at a global position (what a delivery found in storage refers to). */
  async at(position: number): Promise<PublicEvent | undefined> {
    const [event] = await this.store.readAll({ after: position - 1, limit: 1 });
    // A redacted event is not sent: its subject was erased, and there is nothing left to say.
    return event?.globalPosition === position && !event.redacted ? feedEventOf(event) : undefined;
  }

  private async read(siteId: string, after: number, limit: number, eventTypes: readonly string[] | undefined): Promise<FeedPage> {
    const prefix = siteFeedPrefix(siteId);
    const events: PublicEvent[] = [];
    let position = after;
    // A type filter may skip much of the site's feed: a bounded number of reads per page, and the cursor moves past what was skipped.
    for (let reads = 0; reads < MAX_READS_PER_PAGE; reads++) {
      const wanted = limit - events.length;
      const batch = await this.store.readAll({ after: position, limit: wanted, streamPrefixes: [prefix] });
      for (const stored of batch) {
        position = stored.globalPosition;
        const event = feedEventOf(stored);
        if (!eventTypes || eventTypes.includes(event.eventType)) events.push(event);
      }
      if (events.length >= limit || batch.length < wanted) break;
    }
    const hasMore = (await this.store.readAll({ after: position, limit: 1, streamPrefixes: [prefix] })).length > 0;
    return { events, nextCursor: encodeCursor(position), hasMore };
  }

  /** Resolves at the next local append, or after a short poll interval (a replica sharing the store may have appended). */
  private nextAppend(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(maxMs, POLL_MS)));
      this.appended.add(done);
    });
  }
}

const POLL_MS = 250;
const MAX_READS_PER_PAGE = 20;

/**
 * The public event a feed event holds. One whose contact was erased reads as redacted: its id,
 * type, entity, time and place in the feed are kept, its body is gone (docs/privacy.md).
 */
export function feedEventOf(stored: RecordedEvent): PublicEvent & { redacted?: true } {
  if (!stored.redacted) return (stored.data as FeedRecord).event;
  const entityKey = streamEntityKey(stored.streamId);
  const split = entityKey.lastIndexOf(':');
  return {
    id: stored.id,
    eventType: stored.type as PublicEvent['eventType'],
    instanceId: stored.siteId,
    entityFqdn: entityKey.slice(0, split),
    slug: stored.type.slice(stored.type.lastIndexOf('_') + 1),
    entityId: entityKey.slice(split + 1),
    eventTime: stored.occurredAt,
    triggeredByAnonymizeRequest: false,
    entityEventSequence: stored.revision + 1,
    identity: { identityType: 'UNKNOWN' },
    redacted: true,
  };
}

/**
 * What the webhooks service seals (docs/privacy.md): a feed event about a contact, with that
 * contact's data key, so that erasing the contact redacts it here too. The erasure's own notice
 * names the contact by id only and stays in clear.
 */
export const feedSealingPolicy: SealingPolicy = (streamId: string, stored: NewEvent) => {
  if (!streamId.startsWith(FEED_PREFIX)) return undefined;
  const { event } = stored.data as FeedRecord;
  if (event.entityFqdn !== PublicEntityFqdns.contact || event.triggeredByAnonymizeRequest) return undefined;
  return contactDataKeyId(event.instanceId, event.entityId);
};

function isNewer(candidate: readonly [number, number], last: readonly [number, number]): boolean {
  return candidate[0] > last[0] || (candidate[0] === last[0] && candidate[1] > last[1]);
}

/** The feed trusts its producers for the body but not for what routes it. */
function checkedEvent(published: PublishedPublicEvent): PublicEvent {
  const event = published?.event;
  const position = published?.sourcePosition;
  if (!event || !isPublicEventType(event.eventType) || typeof event.instanceId !== 'string' || typeof event.entityId !== 'string' || typeof event.id !== 'string') {
    throw new Error(`Not a public event: ${JSON.stringify(published)?.slice(0, 200)}`);
  }
  if (!Array.isArray(position) || position.length !== 2 || !position.every(Number.isInteger)) throw new Error(`Public event ${event.id} has no source position`);
  return event;
}

/** Cursors are opaque to callers: a versioned, base64url-encoded position. */
export function encodeCursor(position: number): string {
  return Buffer.from(`v1:${position}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^v1:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw AppError.invalidField('cursor', 'is not a cursor this feed issued', 'FORMAT');
  return Number(match[1]);
}

/** `eventTypes` as the feed takes it: a list or a comma-separated string of known types. */
export function parseEventTypes(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = Array.isArray(value) ? value : String(value).split(',');
  const types = list.map((type) => String(type).trim()).filter(Boolean);
  const unknown = types.filter((type) => !isPublicEventType(type));
  if (unknown.length > 0) throw AppError.invalid([{ field: 'eventTypes', description: `unknown event types: ${unknown.join(', ')}`, violatedRule: 'VALUE', data: { known: [...PUBLIC_EVENT_TYPES] } }]);
  return types;
}
