// The sync app: keeps the platform's contacts and an external CRM's records in step, both ways,
// with Wix's own SDK and nothing of ours on the client side.
//
//   platform -> CRM: a webhook receiver (AppStrategy + contacts.onContactCreated/Updated/Deleted
//                    + client.webhooks.process), subscribed with excludeOwnChanges: true
//   CRM -> platform: the CRM's change events, written with contacts.createContact/updateContact/
//                    deleteContact, the CRM record id kept in an extended field of the contact
//
// No echo either way: the platform leaves out the changes the sync app's own API key made
// (excludeOwnChanges), and the sync app ignores the CRM changes it made itself (their actor).
import { createServer } from 'node:http';
import { ApiKeyStrategy, AppStrategy, createClient } from '@wix/sdk';
import { contacts, extendedFields } from '@wix/crm';

/** The actor the sync app writes to the CRM as; CRM changes by this actor are its own. */
export const SYNC_ACTOR = 'two-way-sync';
export const EXTERNAL_ID_FIELD = 'External CRM id';
export const EVENT_TYPES = ['wix.contacts.v4.contact_created', 'wix.contacts.v4.contact_updated', 'wix.contacts.v4.contact_deleted'];

/** Wix's SDK pointed at the platform. It always builds https:// URLs: over plain http, a fetch that downgrades the scheme (docs/sdk.md). */
export function platformClient({ baseUrl, apiKey, siteId }) {
  const plainHttp = new URL(baseUrl).protocol === 'http:';
  return createClient({
    modules: { contacts, extendedFields },
    auth: ApiKeyStrategy({ apiKey, siteId }),
    host: { apiBaseUrl: new URL(baseUrl).host },
    ...(plainHttp && { fetch: (url, init) => fetch(String(url).replace(/^https:/, 'http:'), init) }),
  });
}

/**
 * Starts the sync between the platform (`baseUrl`, the sync app's `apiKey` whose name is
 * `appId`, `siteId`) and `crm`. Returns what it did (`stats`) and `close()`.
 */
export async function startSync({ baseUrl, apiKey, appId, siteId, crm, host = '127.0.0.1', port = 0, log = () => {} }) {
  const platform = platformClient({ baseUrl, apiKey, siteId });
  const stats = { deliveries: [], duplicates: 0, stale: 0, echoes: 0, crmChanges: 0, crmOwnChangesIgnored: 0, platformWrites: [], errors: [] };

  // (a) The external id lives in an extended field: Find Or Create (POST /contacts/v4/extended-fields)
  //     answers the existing field when one has that display name, so every start may call it.
  const { field, newField } = await platform.extendedFields.findOrCreateExtendedField(EXTERNAL_ID_FIELD, 'TEXT');
  const fieldKey = field.key;
  const externalIdOf = (contact) => contact?.info?.extendedFields?.items?.[fieldKey];

  // (b) The webhook receiver, as a Wix app writes one. The public key comes from the platform;
  //     when a body does not verify, the key is fetched again (the platform may have rotated it).
  let publicKey = await fetchPublicKey(baseUrl);
  let receiver = receiverFor(publicKey);
  function receiverFor(key) {
    const client = createClient({ auth: AppStrategy({ appId: 'two-way-sync', publicKey: key }), modules: { contacts } });
    client.contacts.onContactCreated((event) => fromPlatform('created', event));
    client.contacts.onContactUpdated((event) => fromPlatform('updated', event));
    client.contacts.onContactDeleted((event) => fromPlatform('deleted', event));
    return client;
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
    request.on('end', () => {
      handleWebhook(Buffer.concat(chunks).toString('utf8')).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}/webhooks/contacts`;

  // Platform -> CRM. At least once, so deduplicated by event id; in order per contact, so an
  // event older than the last one applied (a redelivery) is skipped by entityEventSequence.
  const done = new Set();
  const working = new Map();
  const lastSequence = new Map();
  const deletedInCrm = new Set();
  function fromPlatform(kind, { entity, metadata }) {
    const eventId = metadata._id;
    stats.deliveries.push({ eventId, kind, contactId: metadata.entityId, sequence: metadata.entityEventSequence, identity: metadata.identity });
    // With excludeOwnChanges the platform never sends these; counted to show it.
    if (metadata.identity?.appId === appId) return void stats.echoes++;
    if (done.has(eventId)) return void stats.duplicates++;
    if (working.has(eventId)) return (stats.duplicates++, working.get(eventId));
    if (metadata.entityEventSequence <= (lastSequence.get(metadata.entityId) ?? 0)) return void stats.stale++;
    const work = applyToCrm(kind, entity)
      .then(() => {
        done.add(eventId);
        lastSequence.set(metadata.entityId, metadata.entityEventSequence);
        log(`  webhook ${kind} of ${name(entity)} (by ${metadata.identity?.appId ?? metadata.identity?.identityType}) -> CRM`);
      })
      .finally(() => working.delete(eventId));
    working.set(eventId, work);
    return work;
  }

  async function applyToCrm(kind, contact) {
    const externalId = externalIdOf(contact);
    // Deleted in the CRM a moment ago: the platform delete is on its way, do not bring it back.
    if (externalId && deletedInCrm.has(externalId)) return;
    let record = (externalId && crm.get(externalId)) || crm.find((r) => r.platformId === contact._id);
    if (kind === 'deleted') {
      if (record) crm.delete(record.id, SYNC_ACTOR);
      return;
    }
    const fields = crmFieldsOf(contact);
    record = record ? crm.update(record.id, fields, SYNC_ACTOR) : crm.create({ ...fields, platformId: contact._id }, SYNC_ACTOR);
    if (externalId !== record.id) await writeExternalId(contact._id, record.id);
  }

  // CRM -> platform, one change at a time, in the CRM's order.
  let crmQueue = Promise.resolve();
  crm.onChange((change) => {
    crmQueue = crmQueue.then(() => fromCrm(change)).catch((error) => stats.errors.push(`CRM change ${change.sequence}: ${error.message}`));
  });

  async function fromCrm({ type, record, changed, actor }) {
    // The sync app's own CRM writes (from webhooks) go no further: the CRM side of "no echo".
    if (actor === SYNC_ACTOR) return void stats.crmOwnChangesIgnored++;
    stats.crmChanges++;
    if (type === 'created') {
      const info = { ...platformInfoOf(record), extendedFields: { items: { [fieldKey]: record.id } } };
      let contact;
      try {
        contact = (await platform.contacts.createContact(info)).contact;
        wrote('createContact', contact._id);
      } catch (error) {
        // The platform has a contact with that email already: link the record to it.
        const duplicate = applicationError(error)?.code === 'DUPLICATE_CONTACT_EXISTS' && applicationError(error).data?.duplicateContactId;
        if (!duplicate) throw error;
        contact = await updateContact(duplicate, (current) => ({ ...platformInfoOf(record), extendedFields: { items: { ...writableItems(current), [fieldKey]: record.id } } }));
      }
      crm.update(record.id, { platformId: contact._id }, SYNC_ACTOR);
      log(`  CRM created ${record.id} (${record.firstName}) -> platform contact ${contact._id}`);
      return;
    }
    const contactId = record.platformId ?? (await findByExternalId(record.id));
    if (!contactId) return;
    if (type === 'deleted') {
      deletedInCrm.add(record.id);
      try {
        await platform.contacts.deleteContact(contactId);
        wrote('deleteContact', contactId);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
      log(`  CRM deleted ${record.id} -> platform contact ${contactId} deleted`);
      return;
    }
    await updateContact(contactId, (current) => infoChanges(record, changed, current));
    log(`  CRM updated ${record.id} (${changed.join(', ')}) -> platform contact ${contactId}`);
  }

  /** Read, change, write with the revision read; a concurrent writer (409 REVISION_MISMATCH) means read again. */
  async function updateContact(contactId, change) {
    for (let tries = 0; tries < 5; tries++) {
      const current = await platform.contacts.getContact(contactId);
      const info = change(current);
      if (!info) return current;
      try {
        const { contact } = await platform.contacts.updateContact(contactId, info, current.revision);
        wrote('updateContact', contactId);
        return contact;
      } catch (error) {
        if (applicationError(error)?.code !== 'REVISION_MISMATCH') throw error;
      }
    }
    throw new Error(`contact ${contactId} kept changing; gave up`);
  }

  /** The CRM id into the contact's extended field (a write by the sync app: it does not come back as a webhook). */
  function writeExternalId(contactId, crmId) {
    return updateContact(contactId, (current) => (externalIdOf(current) === crmId ? null : { extendedFields: { items: { ...writableItems(current), [fieldKey]: crmId } } }));
  }

  async function findByExternalId(crmId) {
    const { items } = await platform.contacts.queryContacts().eq(`info.extendedFields.${fieldKey}`, crmId).limit(1).find();
    return items[0]?._id;
  }

  function wrote(call, contactId) {
    stats.platformWrites.push({ call, contactId });
  }

  // (e) The subscription, owned by the sync app's key, without the sync app's own changes. Kept
  //     across restarts: one with this URL is updated rather than created again.
  const wanted = { eventTypes: EVENT_TYPES, excludeOwnChanges: true };
  const { subscriptions } = await webhooksApi(baseUrl, apiKey, siteId, 'GET', '/webhooks/v1/subscriptions');
  const existing = subscriptions.find((s) => s.url === url);
  const { subscription } = existing
    ? await webhooksApi(baseUrl, apiKey, siteId, 'PATCH', `/webhooks/v1/subscriptions/${existing.id}`, { subscription: { ...wanted, status: 'ACTIVE' } })
    : await webhooksApi(baseUrl, apiKey, siteId, 'POST', '/webhooks/v1/subscriptions', { subscription: { url, ...wanted } });

  return {
    fieldKey,
    fieldCreated: newField,
    subscription,
    url,
    stats,
    /** Resolves when the CRM changes heard so far are on the platform. */
    idle: () => crmQueue,
    async close() {
      await crmQueue;
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
    },
  };
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

async function fetchPublicKey(baseUrl) {
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

function crmFieldsOf(contact) {
  const info = contact.info ?? {};
  return {
    firstName: info.name?.first ?? '',
    lastName: info.name?.last ?? '',
    email: contact.primaryInfo?.email ?? info.emails?.items?.[0]?.email ?? '',
    company: info.company ?? '',
  };
}

function platformInfoOf(record) {
  return {
    name: { ...(record.firstName && { first: record.firstName }), ...(record.lastName && { last: record.lastName }) },
    ...(record.email && { emails: { items: [{ email: record.email }] } }),
    ...(record.company && { company: record.company }),
  };
}

/** Only what changed in the CRM and differs on the platform; null when nothing does. */
function infoChanges(record, changed, current) {
  const now = crmFieldsOf(current);
  const info = {};
  if ((changed.includes('firstName') || changed.includes('lastName')) && (now.firstName !== record.firstName || now.lastName !== record.lastName)) {
    info.name = platformInfoOf(record).name;
  }
  if (changed.includes('email') && now.email !== record.email) info.emails = { items: record.email ? [{ email: record.email }] : [] };
  if (changed.includes('company') && now.company !== record.company) info.company = record.company || null;
  return Object.keys(info).length > 0 ? info : null;
}

/**
 * Updating `extendedFields` replaces them all, so the others are sent back. Read-only system
 * fields are left out: the server keeps (or derives) them itself and refuses some of them.
 */
function writableItems(contact) {
  const items = contact.info?.extendedFields?.items ?? {};
  return Object.fromEntries(Object.entries(items).filter(([key]) => !/^(ecom|contacts|emailSubscriptions)\.|^members\.membershipStatus$/.test(key)));
}

function applicationError(error) {
  return error?.details?.applicationError;
}

function statusOf(error) {
  return error?.status ?? error?.response?.status;
}

function name(contact) {
  return [contact?.info?.name?.first, contact?.info?.name?.last].filter(Boolean).join(' ') || contact?._id;
}
