// The integration an email-tool vendor writes against the platform, with Wix's own SDK
// (@wix/sdk + @wix/crm + @wix/email-subscriptions) and nothing of ours on the client side:
//
//   export   platform -> tool: contacts with their statuses (queryContacts, the effective email),
//            the statuses of the tool's addresses (queryEmailSubscriptions), the facets' counts
//   push     tool -> platform: what the tool learned (unsubscribes, bounces, spam complaints, its
//            own sign-ups) with bulkUpsertEmailSubscription, 100 a call, per-item errors kept
//   listen   platform -> tool: EmailSubscriptionChanged webhooks (AppStrategy +
//            onEmailsubscriptionEmailSubscriptionChanged + client.webhooks.process), subscribed
//            with excludeOwnChanges: true, so the sync's own pushes do not come back
//   links    generateUnsubscribeLink per recipient, for the List-Unsubscribe headers
//
// No echo either way: the platform leaves out the changes the sync's own API key made, and the
// sync never pushes the tool changes it made itself (their actor is SYNC_ACTOR).
import { createServer } from 'node:http';
import { ApiKeyStrategy, AppStrategy, createClient } from '@wix/sdk';
import { contacts } from '@wix/crm';
import { emailSubscriptions } from '@wix/email-subscriptions';
import { STATUS_FIELDS } from './email-tool.mjs';

/** The actor the sync writes to the tool as; tool changes by this actor came from the platform. */
export const SYNC_ACTOR = 'platform-sync';
export const EVENT_TYPES = ['com.wixpress.emailsubscriptions.v1.EmailSubscriptionChanged'];
/** Bulk Upsert takes 1 to 100 items. */
export const BATCH_SIZE = 100;
/** Query Email Subscriptions takes up to 1000 addresses in `$in`, and answers up to 1000 a page. */
const QUERY_CHUNK = 1000;
const EFFECTIVE_EMAIL = 'emailSubscriptions.effectiveEmail';

/** Wix's SDK pointed at the platform. It always builds https:// URLs: over plain http, a fetch that downgrades the scheme (docs/sdk.md). */
export function platformClient({ baseUrl, apiKey, siteId }) {
  const plainHttp = new URL(baseUrl).protocol === 'http:';
  return createClient({
    modules: { contacts, emailSubscriptions },
    auth: ApiKeyStrategy({ apiKey, siteId }),
    host: { apiBaseUrl: new URL(baseUrl).host },
    ...(plainHttp && { fetch: (url, init) => fetch(String(url).replace(/^https:/, 'http:'), init) }),
  });
}

/**
 * Starts the sync between the platform (`baseUrl`, the sync's `apiKey` whose name is `appId`,
 * `siteId`) and `tool`: the webhook receiver and its subscription. Export and push run when
 * called (a real integration runs them on a schedule, or after each campaign).
 */
export async function startSync({ baseUrl, apiKey, appId, siteId, tool, host = '127.0.0.1', port = 0, log = () => {} }) {
  const platform = platformClient({ baseUrl, apiKey, siteId });
  const stats = { webhooks: [], stale: 0, echoes: 0, pushes: [], refused: [], errors: [] };
  // The newest state of each address the sync has seen (its `_updatedDate`): a webhook older
  // than that (a retry, or a change the sync read or wrote since) is not applied again.
  const newest = new Map();
  const seen = (subscription) => {
    const key = subscription.email.toLowerCase();
    const updated = new Date(subscription._updatedDate).getTime();
    if (updated <= (newest.get(key) ?? -1)) return false;
    newest.set(key, updated);
    return true;
  };

  // --- listen: the webhook receiver, as a Wix app writes one ---------------------------------
  let publicKey = await fetchPublicKey(baseUrl);
  let receiver = receiverFor(publicKey);
  function receiverFor(key) {
    const client = createClient({ auth: AppStrategy({ appId, publicKey: key }), modules: { emailSubscriptions } });
    client.emailSubscriptions.onEmailsubscriptionEmailSubscriptionChanged(fromPlatform);
    return client;
  }

  function fromPlatform({ data, metadata }) {
    const { subscription } = data;
    stats.webhooks.push({ email: subscription.email, subscriptionStatus: subscription.subscriptionStatus, deliverabilityStatus: subscription.deliverabilityStatus, identity: metadata.identity });
    // With excludeOwnChanges the platform never sends these; counted to show it.
    if (metadata.identity?.appId === appId) return void stats.echoes++;
    if (!seen(subscription)) return void stats.stale++;
    tool.upsert({ email: subscription.email, subscriptionStatus: subscription.subscriptionStatus, deliverabilityStatus: subscription.deliverabilityStatus }, SYNC_ACTOR);
    log(`  webhook: ${subscription.email} ${subscription.subscriptionStatus}/${subscription.deliverabilityStatus} (by ${who(metadata.identity)}) -> email tool`);
  }

  async function handleWebhook(body, keyRefreshed = false) {
    try {
      await receiver.webhooks.process(body);
      return 200;
    } catch (error) {
      if (await verifies(receiver, body)) {
        // Verified, but handling failed: a non-2xx makes the platform retry it later.
        stats.errors.push(`webhook: ${error.message}`);
        return 500;
      }
      // Not verified: the platform may have rotated its key (docs/webhooks.md); fetch it once more.
      if (!keyRefreshed) {
        const latest = await fetchPublicKey(baseUrl).catch(() => publicKey);
        if (latest !== publicKey) {
          publicKey = latest;
          receiver = receiverFor(latest);
          return handleWebhook(body, true);
        }
      }
      return 401;
    }
  }

  const server = createServer((request, response) => {
    if (request.method !== 'POST') return void response.writeHead(405).end();
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () =>
      handleWebhook(Buffer.concat(chunks).toString('utf8')).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(500).end(),
      ),
    );
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}/webhooks/email-subscriptions`;

  // The subscription, owned by the sync's key, without the sync's own changes. Kept across
  // restarts: one with this URL is updated rather than created again.
  const wanted = { eventTypes: EVENT_TYPES, excludeOwnChanges: true };
  const { subscriptions } = await webhooksApi(baseUrl, apiKey, siteId, 'GET', '/webhooks/v1/subscriptions');
  const existing = subscriptions.find((s) => s.url === url);
  const { subscription } = existing
    ? await webhooksApi(baseUrl, apiKey, siteId, 'PATCH', `/webhooks/v1/subscriptions/${existing.id}`, { subscription: { ...wanted, status: 'ACTIVE' } })
    : await webhooksApi(baseUrl, apiKey, siteId, 'POST', '/webhooks/v1/subscriptions', { subscription: { url, ...wanted } });

  // --- export: platform -> tool ----------------------------------------------------------
  /**
   * Loads the audience into the tool: every contact whose primary address is not unsubscribed
   * and that has an effective email (the address to write to: primary first, skipping
   * unsubscribed, bounced and complained ones), then the platform's statuses of every address
   * the tool holds, its own sign-ups included, so the tool does not mail someone who opted out
   * on the platform.
   */
  async function exportAudience() {
    const found = await allContacts(platform.contacts.queryContacts().ne('primaryEmail.subscriptionStatus', 'UNSUBSCRIBED').limit(100));
    const audience = [];
    const undeliverable = [];
    for (const contact of found) {
      const email = contact.info?.extendedFields?.items?.[EFFECTIVE_EMAIL];
      if (!email) {
        undeliverable.push({ contactId: contact._id, name: nameOf(contact), primaryEmail: contact.primaryEmail });
        continue;
      }
      tool.upsert({ email, name: nameOf(contact), contactId: contact._id, source: 'platform' }, SYNC_ACTOR);
      audience.push({ contactId: contact._id, name: nameOf(contact), email });
    }
    // A contact's view has the primary address's statuses only; the effective email may be another one.
    const statuses = await statusesOf(tool.all().map((recipient) => recipient.email));
    for (const status of statuses) {
      seen(status);
      tool.upsert({ email: status.email, subscriptionStatus: status.subscriptionStatus, deliverabilityStatus: status.deliverabilityStatus }, SYNC_ACTOR);
    }
    return { audience, undeliverable, statuses };
  }

  /** Query Email Subscriptions for many addresses, 1000 at a time; addresses without a subscription are absent. */
  async function statusesOf(emails) {
    const found = [];
    for (let i = 0; i < emails.length; i += QUERY_CHUNK) {
      const chunk = emails.slice(i, i + QUERY_CHUNK);
      const { subscriptions: page } = await platform.emailSubscriptions.queryEmailSubscriptions({ email: { $in: chunk } }, { paging: { limit: QUERY_CHUNK, offset: 0 } });
      found.push(...page);
    }
    return found;
  }

  /** The SUBSCRIPTION_STATUS facets (List Facets): how many contacts have each status. */
  async function subscriptionFacets() {
    const { facets } = await platform.contacts.listFacets();
    return Object.fromEntries(facets.filter((facet) => facet.facetType === 'SUBSCRIPTION_STATUS').map((facet) => [facet.facetKey, facet.count]));
  }

  // --- push: tool -> platform ------------------------------------------------------------
  let checkpoint = 0;
  /**
   * Sends what changed in the tool since the last push, one item per address with only the
   * statuses the tool changed (a status left out keeps its value on the platform: a bounce does
   * not reset an opt-out), 100 a call. An item the platform refuses (`error`) does not fail the
   * others; it is kept in `refused`. When a call fails as a whole, it throws and the checkpoint
   * stays, so the next push sends those changes again (upserts are idempotent).
   */
  async function pushChanges() {
    const changes = tool.changesSince(checkpoint);
    const upTo = checkpoint + changes.length;
    const items = pendingItems(changes);
    const push = { items: items.length, batches: [], applied: 0, refused: [] };
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      const batch = items.slice(i, i + BATCH_SIZE);
      const { results, metadata } = await platform.emailSubscriptions.bulkUpsertEmailSubscription(batch);
      push.batches.push({ size: batch.length, totalSuccess: metadata.totalSuccess, totalFailure: metadata.totalFailure });
      push.applied += metadata.totalSuccess;
      for (const result of results) {
        if (result.emailSubscription) seen(result.emailSubscription);
        if (result.error) push.refused.push({ email: batch[result.originalIndex].email, ...result.error });
      }
    }
    checkpoint = upTo;
    stats.pushes.push(push);
    stats.refused.push(...push.refused);
    return push;
  }

  /** One Bulk Upsert item per address: its current value of each status changed outside the sync. */
  function pendingItems(changes) {
    const fieldsByAddress = new Map();
    for (const change of changes) {
      if (change.actor === SYNC_ACTOR) continue;
      const fields = STATUS_FIELDS.filter((field) => field in change.changed);
      if (fields.length === 0) continue;
      const key = change.email.toLowerCase();
      fieldsByAddress.set(key, new Set([...(fieldsByAddress.get(key) ?? []), ...fields]));
    }
    return [...fieldsByAddress].map(([key, fields]) => {
      const recipient = tool.get(key);
      return { email: recipient.email, ...Object.fromEntries([...fields].map((field) => [field, recipient[field]])) };
    });
  }

  // --- links -------------------------------------------------------------------------------
  /** The RFC 2369 / RFC 8058 headers for a message to `email`: mail clients offer one-click unsubscribe. */
  async function unsubscribeHeaders(email) {
    const { link } = await platform.emailSubscriptions.generateUnsubscribeLink(email);
    return { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }

  return {
    subscription,
    url,
    stats,
    exportAudience,
    subscriptionFacets,
    statusesOf,
    pushChanges,
    unsubscribeHeaders,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
}

/** Every page of a contacts query. */
async function allContacts(query) {
  const items = [];
  let page = await query.find();
  items.push(...page.items);
  while (page.hasNext()) {
    page = await page.next();
    items.push(...page.items);
  }
  return items;
}

/** The platform's webhooks API (ours: not part of Wix's REST API, so not in the SDK). */
export async function webhooksApi(baseUrl, apiKey, siteId, method, path, body) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { authorization: apiKey, 'wix-site-id': siteId, ...(body && { 'content-type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export async function fetchPublicKey(baseUrl) {
  const response = await fetch(`${baseUrl}/webhooks/v1/public-key`);
  if (!response.ok) throw new Error(`GET /webhooks/v1/public-key: ${response.status}`);
  return (await response.json()).publicKey;
}

function verifies(client, body) {
  return client.webhooks.parseJWT(body).then(
    () => true,
    () => false,
  );
}

function nameOf(contact) {
  return [contact.info?.name?.first, contact.info?.name?.last].filter(Boolean).join(' ');
}

function who(identity) {
  return identity?.appId ?? identity?.identityType ?? 'unknown';
}
