import {
  EmailSubscriptionEventRecord,
  EmailSubscriptionState,
  evolveSubscription,
  foldSubscription,
  parseSubscriptionUpsert,
  SubscriptionUpsert,
  decideEmailSubscription,
} from '@cp/contacts-domain';
import {
  BulkUpsertEmailSubscriptionResult,
  BulkUpsertEmailSubscriptionsPayload,
  BulkUpsertEmailSubscriptionsResponse,
  EmailSubscriptionView,
  isGuid,
  PagingMetadata,
  QueryEmailSubscriptionsPayload,
  RequestContext,
  UpsertEmailSubscriptionPayload,
} from '@cp/contracts';
import { AppError, isAppError } from '@cp/errors';
import { AppendResult, EventStore, handleCommand, recordOf } from '@cp/event-store';
import { resolvePaging } from '@cp/query';
import { ReadCollection, ReadStore } from '@cp/read-store';
import { Clock } from './clock';
import { ProjectionProgress } from './contact-commands';
import { EMAIL_SUBSCRIPTIONS_COLLECTION, EmailSubscriptionDocument, emailSubscriptionDocumentId, toSubscriptionView } from './email-subscription-read-model';
import { metadataFor } from './event-metadata';
import { emailSubscriptionId, emailSubscriptionStream } from './streams';

const PAGING = { limit: 100, max: 1000 };
/** Most addresses one Query's `email.$in` may list. */
const MAX_QUERY_EMAILS = 1000;

/**
 * Email subscriptions (Wix's Email Subscriptions API): each (site, address) is a stream of its
 * own, written with the revision read; the contacts projection keeps the read model and the
 * contacts that have the address, so a write returns once contacts, filters and facets show it.
 */
export class EmailSubscriptions {
  private readonly subscriptions: ReadCollection<EmailSubscriptionDocument>;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    private readonly projection: ProjectionProgress,
    private readonly clock: Clock,
  ) {
    this.subscriptions = readStore.collection<EmailSubscriptionDocument>(EMAIL_SUBSCRIPTIONS_COLLECTION);
  }

  /** From its stream: a subscription just written is found at once. */
  async get(context: RequestContext, payload: { id: string }): Promise<{ emailSubscription: EmailSubscriptionView }> {
    const state = isGuid(payload.id) ? foldSubscription((await this.store.readStream(emailSubscriptionStream(context.siteId, payload.id))).map(recordOf<EmailSubscriptionEventRecord>)) : undefined;
    if (!state) throw AppError.notFound('EMAIL_SUBSCRIPTION_NOT_FOUND', `No email subscription with id ${payload.id}`);
    return { emailSubscription: toSubscriptionView(state) };
  }

  /** `email: { $in }` (or `$eq`), or every subscription of the site; newest first, offset paging. */
  async query(context: RequestContext, payload: QueryEmailSubscriptionsPayload): Promise<{ subscriptions: EmailSubscriptionView[]; metadata: PagingMetadata }> {
    const { limit, offset } = resolvePaging(payload.paging, PAGING);
    const emails = emailsOfFilter(payload.filter);
    const filter = emails ? { _id: { $in: emails.map((email) => emailSubscriptionDocumentId(context.siteId, email)) } } : { siteId: context.siteId };
    const { docs, total } = await this.subscriptions.findPage(filter, { sort: { 'subscription.createdDate': -1, email: 1 }, skip: offset, limit, readOnly: true });
    return {
      subscriptions: docs.map((doc) => toSubscriptionView(doc.subscription)),
      metadata: { count: docs.length, offset, total, tooManyToCount: false },
    };
  }

  async upsert(context: RequestContext, payload: UpsertEmailSubscriptionPayload): Promise<{ subscription: EmailSubscriptionView }> {
    const { state, appended } = await this.upsertOne(context, parseSubscriptionUpsert(payload.subscription));
    if (appended) await this.projection.showCommitted([appended]);
    return { subscription: toSubscriptionView(state) };
  }

  /** Each item on its own: a bad one fails alone, with its index; the read model shows them all at the end. */
  async bulkUpsert(context: RequestContext, payload: BulkUpsertEmailSubscriptionsPayload): Promise<BulkUpsertEmailSubscriptionsResponse> {
    const results: BulkUpsertEmailSubscriptionResult[] = [];
    const appendedAll: AppendResult[] = [];
    for (const [originalIndex, item] of payload.subscriptions.entries()) {
      try {
        const { state, appended } = await this.upsertOne(context, parseSubscriptionUpsert(item, `subscriptions[${originalIndex}]`));
        if (appended) appendedAll.push(appended);
        results.push({ originalIndex, emailSubscription: toSubscriptionView(state) });
      } catch (error) {
        if (!isAppError(error)) throw error;
        results.push({ originalIndex, error: { errorCode: error.code, message: error.message } });
      }
    }
    if (appendedAll.length > 0) await this.projection.showCommitted(appendedAll);
    const totalFailure = results.filter((result) => result.error).length;
    return { results, metadata: { totalSuccess: results.length - totalFailure, totalFailure } };
  }

  private async upsertOne(context: RequestContext, upsert: SubscriptionUpsert): Promise<{ state: EmailSubscriptionState; appended?: AppendResult }> {
    const id = emailSubscriptionId(context.siteId, upsert.email);
    const occurredAt = this.clock.now();
    const { result: state, appended } = await handleCommand(
      this.store,
      emailSubscriptionStream(context.siteId, id),
      (events) => foldSubscription(events.map(recordOf<EmailSubscriptionEventRecord>)),
      (current) => {
        const decided = decideEmailSubscription({ type: 'UpsertEmailSubscription', data: { upsert, subscriptionId: id } }, current);
        const after = decided.reduce<EmailSubscriptionState | undefined>((next, event) => evolveSubscription(next, { ...event, occurredAt }), current);
        return { events: decided, result: after! };
      },
      { metadata: () => metadataFor(context, occurredAt), subject: `the email subscription of ${upsert.email}` },
    );
    return { state, appended };
  }
}

/** Query takes what Wix's does: a filter on `email` only. */
function emailsOfFilter(filter: Record<string, unknown> | null | undefined): string[] | undefined {
  // `null` is absent, as everywhere in the API (the gateway passes filters through as sent).
  if (filter === undefined || filter === null || Object.keys(filter).length === 0) return undefined;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== 'email') throw AppError.invalidField(`filter.${keys.find((key) => key !== 'email') ?? keys[0]}`, 'only `email` can be filtered on', 'UNSUPPORTED_FILTER');
  const condition = filter.email;
  const values = typeof condition === 'string' ? [condition] : operand(condition);
  if (values.length > MAX_QUERY_EMAILS) throw AppError.invalidField('filter.email.$in', `at most ${MAX_QUERY_EMAILS} addresses`, 'MAX_SIZE');
  if (!values.every((value) => typeof value === 'string')) throw AppError.invalidField('filter.email', 'must list email addresses (strings)', 'FORMAT');
  return values as string[];
}

function operand(condition: unknown): unknown[] {
  const ops = typeof condition === 'object' && condition !== null && !Array.isArray(condition) ? Object.entries(condition) : [];
  if (ops.length === 1 && ops[0][0] === '$in' && Array.isArray(ops[0][1])) return ops[0][1];
  if (ops.length === 1 && ops[0][0] === '$eq') return [ops[0][1]];
  throw AppError.invalidField('filter.email', 'takes `$in` with a list of addresses, or `$eq`', 'UNSUPPORTED_FILTER');
}
