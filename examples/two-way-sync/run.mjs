#!/usr/bin/env node
// The two-way sync example end to end: starts the built standalone app on a temporary data
// directory with two API keys (the sync app's and a "dashboard user's"), starts the sync app
// (sync-app.mjs) against it and a stand-in CRM (external-crm.mjs), changes contacts on both
// sides, and checks that both sides converge and that nothing echoes: the sync app receives
// webhooks for the dashboard's changes only, never for its own writes.
//
//   node examples/two-way-sync/run.mjs [--no-build] [--verbose]
//
// Builds first (npm run build) unless --no-build; with --no-build and no build in dist/, it
// builds anyway. Exits 0 when every check passes, 1 otherwise.
import { AppStrategy, createClient } from '@wix/sdk';
import { contacts } from '@wix/crm';
import { buildUnlessAsked, checker, createPlatform, listenForWebhooks, randomApiKey, step, until } from '../lib/platform.mjs';
import { ExternalCrm } from './external-crm.mjs';
import { EVENT_TYPES, platformClient, startSync, webhooksApi } from './sync-app.mjs';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const started = Date.now();

buildUnlessAsked(args);

const SITE = 'two-way-sync-demo';
const SYNC_APP = randomApiKey('sync-app');
const DASHBOARD = randomApiKey('dashboard');
const API_KEYS = [
  {
    ...SYNC_APP,
    sites: [SITE],
    scopes: ['SCOPE.DC-CONTACTS.MANAGE-CONTACTS', 'SCOPE.DC-CONTACTS.MANAGE-EX-FIELDS', 'SCOPE.WEBHOOKS.MANAGE', 'SCOPE.EVENTS.READ'],
  },
  { ...DASHBOARD, sites: [SITE], scopes: ['SCOPE.DC-CONTACTS.MANAGE-CONTACTS'] },
];

const platform = createPlatform({ label: 'two-way-sync' });
let sync;
let control;
const checks = [];
const check = checker(checks);

try {
  const baseUrl = await platform.start({ apiKeys: API_KEYS });
  console.log(`Platform: ${baseUrl}, site "${SITE}", API keys "${SYNC_APP.name}" (the sync app) and "${DASHBOARD.name}" (a dashboard user)`);

  const crm = new ExternalCrm();
  const log = verbose ? (line) => console.log(line) : () => {};
  sync = await startSync({ baseUrl, apiKey: SYNC_APP.key, appId: SYNC_APP.name, siteId: SITE, crm, log });
  const again = await platformClient({ baseUrl, apiKey: SYNC_APP.key, siteId: SITE }).extendedFields.findOrCreateExtendedField('External CRM id', 'TEXT');
  console.log(`Sync app: extended field ${sync.fieldKey} (${sync.fieldCreated ? 'created' : 'found'}; asked again: ${again.newField ? 'created again!' : 'found'}),`);
  console.log(`          subscription ${sync.subscription.id} to ${sync.url}, excludeOwnChanges: ${sync.subscription.excludeOwnChanges}`);
  check('Find Or Create answers the same extended field the second time', sync.fieldCreated === true && again.newField === false && again.field.key === sync.fieldKey);

  // A control subscription of the same key without excludeOwnChanges: it gets every change, the
  // sync app's own included. Once it has them all, the platform has dispatched every change.
  control = await controlReceiver(baseUrl);
  const { subscription: controlSubscription } = await webhooksApi(baseUrl, SYNC_APP.key, SITE, 'POST', '/webhooks/v1/subscriptions', {
    subscription: { url: control.url, eventTypes: EVENT_TYPES, excludeOwnChanges: false },
  });
  console.log(`Control:  subscription ${controlSubscription.id} of the same key, excludeOwnChanges: false (sees every change)`);

  // The dashboard user: another API key writing to the same site, whose changes the sync app must hear about.
  const dashboard = platformClient({ baseUrl, apiKey: DASHBOARD.key, siteId: SITE });
  let dashboardWrites = 0;
  const byDashboard = async (write) => {
    const result = await write;
    dashboardWrites++;
    return result;
  };
  const platformContact = async (crmId) => (await dashboard.contacts.queryContacts().eq(`info.extendedFields.${sync.fieldKey}`, crmId).find()).items[0];
  const crmRecordOf = (contactId) => crm.find((record) => record.platformId === contactId);

  console.log('\nScenario');
  const ada = crm.create({ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }, 'crm-user');
  const adaContact = await until(() => platformContact(ada.id), 'Ada reaches the platform');
  step(`1. CRM user creates ${ada.id} Ada Lovelace`, `the sync app creates platform contact ${short(adaContact._id)} with ${sync.fieldKey} = ${ada.id}`);

  const { contact: grace } = await byDashboard(dashboard.contacts.createContact({ name: { first: 'Grace', last: 'Hopper' }, emails: { items: [{ email: 'grace@example.com' }] } }));
  const graceRecord = await until(() => crmRecordOf(grace._id), 'Grace reaches the CRM');
  await until(async () => (await dashboard.contacts.getContact(grace._id)).info?.extendedFields?.items?.[sync.fieldKey] === graceRecord.id, 'the external id is written back to Grace');
  step('2. Dashboard user creates Grace Hopper on the platform', `webhook contact_created -> CRM record ${graceRecord.id}; the sync app writes ${graceRecord.id} back into the contact`);

  const adaNow = await dashboard.contacts.getContact(adaContact._id);
  await byDashboard(dashboard.contacts.updateContact(adaContact._id, { company: 'Analytical Engines' }, adaNow.revision));
  await until(() => crm.get(ada.id)?.company === 'Analytical Engines', 'Ada\'s company reaches the CRM');
  step('3. Dashboard user sets Ada\'s company on the platform', 'webhook contact_updated -> CRM record updated');

  crm.update(graceRecord.id, { company: 'US Navy', lastName: 'Murray Hopper' }, 'crm-user');
  await until(async () => {
    const now = await dashboard.contacts.getContact(grace._id);
    return now.info?.company === 'US Navy' && now.info?.name?.last === 'Murray Hopper';
  }, 'Grace\'s CRM edit reaches the platform');
  step(`4. CRM user edits ${graceRecord.id} (company, last name)`, 'the sync app updates the platform contact (updateContact with its revision)');

  const alan = crm.create({ firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' }, 'crm-user');
  const alanContact = await until(() => platformContact(alan.id), 'Alan reaches the platform');
  await byDashboard(dashboard.contacts.deleteContact(alanContact._id));
  await until(() => crm.get(alan.id) === undefined, 'Alan\'s delete reaches the CRM');
  step(`5. CRM user creates ${alan.id} Alan Turing; dashboard user deletes him on the platform`, 'webhook contact_deleted -> CRM record deleted');

  const { contact: katherine } = await byDashboard(dashboard.contacts.createContact({ name: { first: 'Katherine', last: 'Johnson' }, emails: { items: [{ email: 'katherine@example.com' }] } }));
  const katherineRecord = await until(() => crmRecordOf(katherine._id), 'Katherine reaches the CRM');
  await until(async () => (await dashboard.contacts.getContact(katherine._id)).info?.extendedFields?.items?.[sync.fieldKey] === katherineRecord.id, 'the external id is written back to Katherine');
  crm.delete(katherineRecord.id, 'crm-user');
  await until(async () => (await dashboard.contacts.queryContacts().eq('_id', katherine._id).find()).items.length === 0, 'Katherine\'s delete reaches the platform');
  step('6. Dashboard user creates Katherine Johnson; CRM user deletes her in the CRM', 'the sync app deletes the platform contact');

  // Quiet: every change is in the feed, the control subscription has them all (so the platform
  // has dispatched every change to both subscriptions), and the sync app's are all delivered.
  await sync.idle();
  const expectedChanges = sync.stats.platformWrites.length + dashboardWrites;
  const feed = await until(async () => {
    const events = await readFeed(baseUrl);
    return events.length >= expectedChanges && events;
  }, `the change feed holds all ${expectedChanges} changes`);
  await until(() => feed.every((e) => control.eventIds.has(e.id)), 'the control subscription has every change');
  const dashboardIds = feed.filter((e) => e.identity?.appId === DASHBOARD.name).map((e) => e.id);
  const syncLog = await until(async () => {
    const log = await deliveries(baseUrl, sync.subscription.id);
    return log.length >= dashboardIds.length && log.every((d) => d.status !== 'PENDING') && log;
  }, 'nothing is pending for the sync app');

  console.log('\nChecks');
  const crmRecords = crm.all();
  const { items: platformContacts } = await dashboard.contacts.queryContacts().limit(100).find();
  const pairs = crmRecords.map((record) => [record, platformContacts.find((c) => c.info?.extendedFields?.items?.[sync.fieldKey] === record.id)]);
  const sameFields = ([record, contact]) =>
    contact &&
    contact._id === record.platformId &&
    contact.info?.name?.first === record.firstName &&
    (contact.info?.name?.last ?? '') === record.lastName &&
    contact.primaryInfo?.email === record.email &&
    (contact.info?.company ?? '') === record.company;
  check(
    `both sides hold the same ${crmRecords.length} people: ${crmRecords.map((r) => `${r.firstName} ${r.lastName}${r.company ? ` (${r.company})` : ''}`).join(', ')}`,
    crmRecords.length === 2 && platformContacts.length === 2 && pairs.every(sameFields),
    { crm: crmRecords, platform: platformContacts.map((c) => ({ id: c._id, info: c.info })) },
  );

  const byApp = (name) => feed.filter((e) => e.identity?.appId === name);
  const delivered = sync.stats.deliveries;
  const deliveredIds = new Set(delivered.map((d) => d.eventId));
  const ownIds = new Set(byApp(SYNC_APP.name).map((e) => e.id));
  console.log(
    `  the change feed holds ${feed.length} contact changes: ${ownIds.size} by "${SYNC_APP.name}" (${countBy(byApp(SYNC_APP.name), (e) => e.slug)}), ` +
      `${dashboardIds.length} by "${DASHBOARD.name}" (${countBy(byApp(DASHBOARD.name), (e) => e.slug)})`,
  );
  check(
    `the sync app received ${delivered.length} webhook deliveries (${deliveredIds.size} distinct events${sync.stats.duplicates ? `, ${sync.stats.duplicates} redelivered and skipped by event id` : ''}), every one caused by "${DASHBOARD.name}"`,
    delivered.every((d) => d.identity?.identityType === 'APP' && d.identity.appId === DASHBOARD.name) && sameSet(deliveredIds, dashboardIds),
    delivered,
  );
  check(`none of the sync app's own ${ownIds.size} writes came back to it (no echo)`, sync.stats.echoes === 0 && [...deliveredIds].every((id) => !ownIds.has(id)) && ownIds.size === sync.stats.platformWrites.length, {
    echoes: sync.stats.echoes,
    platformWrites: sync.stats.platformWrites,
  });
  check(`the control subscription (excludeOwnChanges: false) received all ${control.eventIds.size} of them, the sync app's own included`, sameSet(control.eventIds, feed.map((e) => e.id)));
  check(
    `the platform's deliveries log of the sync app's subscription agrees: ${syncLog.length} DELIVERED, none pending or failed`,
    syncLog.length === deliveredIds.size && syncLog.every((d) => d.status === 'DELIVERED') && sameSet(syncLog.map((d) => d.eventId), deliveredIds),
    syncLog,
  );
  const crmChanges = crm.changes();
  const syncCrmWrites = crmChanges.filter((c) => c.actor !== 'crm-user').length;
  check(
    `CRM side: ${crmChanges.length - syncCrmWrites} changes by the CRM user reached the platform; the sync app's own ${syncCrmWrites} CRM writes were not sent back`,
    sync.stats.crmChanges === crmChanges.length - syncCrmWrites && sync.stats.crmOwnChangesIgnored === syncCrmWrites,
    crmChanges,
  );
  check('no errors in the sync app', sync.stats.errors.length === 0, sync.stats.errors);
} catch (error) {
  checks.push(false);
  console.error(`\nFAILED: ${error instanceof Error ? error.stack : String(error)}`);
  if (sync) console.error(`sync app stats: ${JSON.stringify(sync.stats, null, 2)}`);
} finally {
  await sync?.close().catch(() => {});
  await control?.close().catch(() => {});
  const failed = checks.includes(false);
  await platform.stop({ showLog: failed });
  console.log(`\ntwo-way sync example ${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = failed ? 1 : 0;
}

/** The site's contact events in the change feed (GET /events/v1/events), page by page. */
async function readFeed(baseUrl) {
  const events = [];
  let cursor = '';
  for (;;) {
    const page = await webhooksApi(baseUrl, SYNC_APP.key, SITE, 'GET', `/events/v1/events?limit=1000&eventTypes=${EVENT_TYPES.join(',')}&cursor=${cursor}`);
    events.push(...page.events);
    cursor = page.nextCursor;
    if (!page.hasMore) return events;
  }
}

async function deliveries(baseUrl, subscriptionId, status) {
  const query = `paging.limit=1000${status ? `&status=${status}` : ''}`;
  return (await webhooksApi(baseUrl, SYNC_APP.key, SITE, 'GET', `/webhooks/v1/subscriptions/${subscriptionId}/deliveries?${query}`)).deliveries;
}

/** A receiver that verifies with Wix's SDK and only collects event ids. */
async function controlReceiver(baseUrl) {
  const { publicKey } = await (await fetch(`${baseUrl}/webhooks/v1/public-key`)).json();
  const client = createClient({ auth: AppStrategy({ appId: 'control', publicKey }), modules: { contacts } });
  const eventIds = new Set();
  const collect = ({ metadata }) => void eventIds.add(metadata._id);
  client.contacts.onContactCreated(collect);
  client.contacts.onContactUpdated(collect);
  client.contacts.onContactDeleted(collect);
  return { ...(await listenForWebhooks(client, '/control')), eventIds };
}

function sameSet(a, b) {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${count} ${name}`).join(', ');
}

function short(id) {
  return id.slice(0, 8);
}
