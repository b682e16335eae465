import { randomUUID } from 'node:crypto';
import { isGuid, PUBLIC_EVENT_TYPES, RequestContext } from '@cp/contracts';
import { AppError } from '@cp/errors';
import { EventStore, handleCommand, recordOf } from '@cp/event-store';
import {
  decideWebhookSubscription,
  foldSubscription,
  SubscriptionEvent,
  SubscriptionEventRecord,
  SubscriptionFields,
  SubscriptionState,
  WebhookSubscriptionCommand,
} from '@cp/webhooks-domain';
import { WebhookSigner, WebhookTransport } from './ports';
import { SubscriptionDirectory } from './subscription-directory';
import { siteSubscriptionPrefix, subscriptionStream } from './streams';

/** The subscription as the API shows it: never its secret, except once in the answer to Create. */
export interface SubscriptionView {
  id: string;
  url: string;
  eventTypes: string[];
  format: string;
  excludeOwnChanges: boolean;
  status: string;
  createdDate: string;
  updatedDate: string;
}

export function toSubscriptionView(state: SubscriptionState): SubscriptionView {
  const { id, url, eventTypes, format, excludeOwnChanges, status, createdDate, updatedDate } = state;
  return { id, url, eventTypes, format, excludeOwnChanges, status, createdDate, updatedDate };
}

export const MAX_SUBSCRIPTIONS_PER_SITE = 100;

/** Subscription commands and reads, straight from their streams. */
export class Subscriptions {
  constructor(
    private readonly store: EventStore,
    private readonly signer: WebhookSigner,
    private readonly transport: WebhookTransport,
  ) {}

  async create(context: RequestContext, fields: SubscriptionFields): Promise<{ subscription: SubscriptionView & { secret?: string } }> {
    if ((await this.list(context)).subscriptions.length >= MAX_SUBSCRIPTIONS_PER_SITE) {
      throw AppError.precondition('SUBSCRIPTION_QUOTA_REACHED', `A site may have at most ${MAX_SUBSCRIPTIONS_PER_SITE} webhook subscriptions`);
    }
    const id = randomUUID();
    const command: WebhookSubscriptionCommand = {
      type: 'CreateWebhookSubscription',
      data: { id, owner: context.actor.id, fields, knownEventTypes: PUBLIC_EVENT_TYPES, newSecret: () => this.signer.newSecret() },
    };
    decideWebhookSubscription(command, undefined); // the input is refused before the target is looked up
    await this.checkTarget(fields.url as string);
    const state = await this.commit(context, id, (current) => decideWebhookSubscription(command, current));
    return { subscription: { ...toSubscriptionView(state), ...(state.secret && { secret: state.secret }) } };
  }

  async get(context: RequestContext, id: string): Promise<{ subscription: SubscriptionView }> {
    return { subscription: toSubscriptionView(await this.load(context, id)) };
  }

  /**
   * The site's subscriptions folded from their streams, not from the dispatcher's directory: a
   * replica answering a List right after another replica's write must already show it.
   */
  async list(context: RequestContext): Promise<{ subscriptions: SubscriptionView[] }> {
    const directory = new SubscriptionDirectory();
    for (let after = 0; ; ) {
      const batch = await this.store.readAll({ after, limit: 500, streamPrefixes: [siteSubscriptionPrefix(context.siteId)] });
      batch.forEach((event) => directory.apply(event));
      if (batch.length < 500) break;
      after = batch[batch.length - 1].globalPosition;
    }
    return { subscriptions: directory.ofSite(context.siteId).map(toSubscriptionView) };
  }

  async update(context: RequestContext, id: string, fields: SubscriptionFields): Promise<{ subscription: SubscriptionView }> {
    checkId(id);
    const command: WebhookSubscriptionCommand = { type: 'UpdateWebhookSubscription', data: { fields, knownEventTypes: PUBLIC_EVENT_TYPES } };
    if (fields.url !== undefined) {
      decideWebhookSubscription(command, await this.load(context, id));
      await this.checkTarget(fields.url as string);
    }
    return { subscription: toSubscriptionView(await this.commit(context, id, (state) => decideWebhookSubscription(command, state))) };
  }

  async delete(context: RequestContext, id: string): Promise<Record<string, never>> {
    checkId(id);
    await this.commit(context, id, (state) => decideWebhookSubscription({ type: 'DeleteWebhookSubscription' }, state));
    return {};
  }

  async replay(context: RequestContext, id: string, fromDate: unknown): Promise<{ replayId: string; fromDate: string }> {
    checkId(id);
    const replayId = randomUUID();
    let requested = '';
    await this.commit(context, id, (state) => {
      const events = decideWebhookSubscription({ type: 'RequestWebhookReplay', data: { replayId, fromDate, now: new Date() } }, state);
      requested = (events[0].data as { fromDate: string }).fromDate;
      return events;
    });
    return { replayId, fromDate: requested };
  }

  /** The subscription straight from its stream: always current, whatever the dispatcher has read. */
  async load(context: RequestContext, id: string): Promise<SubscriptionState> {
    checkId(id);
    const state = foldSubscription((await this.store.readStream(subscriptionStream(context.siteId, id))).map((e) => recordOf<SubscriptionEventRecord>(e)));
    if (!state || state.deleted) throw AppError.notFound('SUBSCRIPTION_NOT_FOUND', `No webhook subscription with id ${id}`);
    return state;
  }

  private async commit(context: RequestContext, id: string, decide: (state: SubscriptionState | undefined) => SubscriptionEvent[]): Promise<SubscriptionState> {
    const now = new Date().toISOString();
    const { result } = await handleCommand(
      this.store,
      subscriptionStream(context.siteId, id),
      (stored) => stored.map((e) => recordOf<SubscriptionEventRecord>(e)),
      (records) => {
        const decided = decide(foldSubscription(records));
        return { events: decided, result: foldSubscription([...records, ...decided.map((event) => ({ ...event, occurredAt: now }))])! };
      },
      { metadata: () => ({ siteId: context.siteId, occurredAt: now, correlationId: context.correlationId, actor: context.actor }) },
    );
    return result;
  }

  private async checkTarget(url: string): Promise<void> {
    try {
      await this.transport.checkTarget(url);
    } catch (error) {
      throw AppError.invalid([{ field: 'subscription.url', description: `is not a target webhooks may be sent to: ${error instanceof Error ? error.message : String(error)}`, violatedRule: 'TARGET_NOT_ALLOWED' }]);
    }
  }
}

function checkId(id: string): void {
  if (!isGuid(id)) throw AppError.invalidField('subscriptionId', 'must be a GUID', 'FORMAT');
}
