#!/usr/bin/env node
// The email-tool example end to end: starts the built standalone app on a temporary data
// directory with two API keys (the email tool's sync and a "dashboard user's"), seeds contacts
// and subscriptions, starts the sync (sync.mjs) between the platform and a stand-in email tool
// (email-tool.mjs), exports the audience, sends a campaign, pushes unsubscribes, bounces and a
// spam complaint back, checks what the platform shows, and checks that changes made elsewhere
// (the dashboard, a one-click unsubscribe) reach the tool while the sync's own pushes do not
// come back to it.
//
//   node examples/email-tool-sync/run.mjs [--no-build] [--verbose]
//
// Builds first (npm run build) unless --no-build; with --no-build and no build in dist/, it
// builds anyway. Exits 0 when every check passes, 1 otherwise.
import { AppStrategy, createClient } from '@wix/sdk';
import { emailSubscriptions } from '@wix/email-subscriptions';
import { buildUnlessAsked, checker, createPlatform, listenForWebhooks, randomApiKey, step, until } from '../lib/platform.mjs';
import { EmailTool } from './email-tool.mjs';
import { EVENT_TYPES, fetchPublicKey, platformClient, startSync, SYNC_ACTOR, webhooksApi } from './sync.mjs';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const started = Date.now();

buildUnlessAsked(args);

const SITE = 'email-tool-demo';
const SYNC = randomApiKey('email-tool-sync');
const DASHBOARD = randomApiKey('dashboard');
const API_KEYS = [
  // The email tool reads contacts, reads and writes subscriptions, and manages its webhook: nothing more.
  { ...SYNC, sites: [SITE], scopes: ['SCOPE.DC-CONTACTS.READ-CONTACTS', 'SCOPE.DC-MANAGE.EMAIL-SUBSCRIPTIONS', 'SCOPE.WEBHOOKS.MANAGE'] },
  { ...DASHBOARD, sites: [SITE], scopes: ['SCOPE.DC-CONTACTS.MANAGE-CONTACTS', 'SCOPE.DC-MANAGE.EMAIL-SUBSCRIPTIONS'] },
];

// The site's people: the statuses they have before the email tool is connected.
const PEOPLE = [
  { first: 'Ada', last: 'Lovelace', emails: ['ada@example.com', 'ada@analytical.example'], status: 'SUBSCRIBED' },
  { first: 'Grace', last: 'Hopper', emails: ['grace@example.com', 'grace.hopper@navy.example'], status: 'SUBSCRIBED' },
  { first: 'Alan', last: 'Turing', emails: ['alan@example.com'] },
  { first: 'Katherine', last: 'Johnson', emails: ['katherine@example.com'], status: 'SUBSCRIBED' },
  { first: 'Linus', last: 'Pauling', emails: ['linus@example.com'], status: 'UNSUBSCRIBED' },
  { first: 'Margaret', last: 'Hamilton', emails: ['margaret@example.com'] },
];
// The email tool's own sign-up form: 120 readers who are no contacts (more than one Bulk Upsert call takes).
const READERS = Array.from({ length: 120 }, (_, i) => `reader-${String(i + 1).padStart(3, '0')}@example.org`);
// A reader who unsubscribed from the site's mail before the tool was connected: the platform's "no" wins.
const OPTED_OUT_READER = 'reader-013@example.org';
const UNSUBSCRIBING_READER = 'reader-042@example.org';
const BOUNCING_READER = 'reader-077@example.org';
// A sign-up with a typo the tool's form let through: the platform refuses it, the rest go on.
const TYPO = 'bob@@example.org';

const platform = createPlatform({ label: 'email-tool-sync' });
let sync;
let control;
const checks = [];
const check = checker(checks);
// Ctrl-C or a CI timeout: leave neither the platform running nor its data behind.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    platform.kill();
    process.exit(130);
  });
}

try {
  const baseUrl = await platform.start({ apiKeys: API_KEYS });
  console.log(`Platform: ${baseUrl}, site "${SITE}", API keys "${SYNC.name}" (the email tool's sync) and "${DASHBOARD.name}" (a dashboard user)`);
  const dashboard = platformClient({ baseUrl, apiKey: DASHBOARD.key, siteId: SITE });
  const log = verbose ? (line) => console.log(line) : () => {};

  console.log('\n1. Seed (the dashboard user)');
  const people = await seed(dashboard);
  for (const person of people) console.log(`  ${person.name.padEnd(18)} ${person.emails.join(', ').padEnd(48)} ${person.status ?? 'NOT_SET (no subscription)'}`);
  await dashboard.emailSubscriptions.upsertEmailSubscription({ subscription: { email: OPTED_OUT_READER, subscriptionStatus: 'UNSUBSCRIBED' } });
  console.log(`  ${OPTED_OUT_READER} (no contact) UNSUBSCRIBED`);
  const contactOf = (first) => people.find((person) => person.first === first);

  // The email tool before it is connected: its own sign-ups, opted in on its form.
  const tool = new EmailTool();
  for (const email of READERS) tool.upsert({ email, source: 'signup-form', subscriptionStatus: 'SUBSCRIBED' }, 'signup-form');
  console.log(`  the email tool has ${READERS.length} sign-ups of its own (${READERS[0]} ... ${READERS.at(-1)}), SUBSCRIBED in the tool`);

  // The change feed's end once the seed's changes are in it (they reach the feed a moment after
  // their upserts return): every subscription change after it happens once the sync listens.
  const seeded = people.filter((person) => person.status).length + 1;
  await until(async () => (await readFeed(baseUrl, '')).length >= seeded, "the seed's subscription changes are in the change feed");
  const feedStart = await feedCursor(baseUrl);

  console.log('\n2. Export to the email tool');
  sync = await startSync({ baseUrl, apiKey: SYNC.key, appId: SYNC.name, siteId: SITE, tool, log });
  console.log(`  the sync listens: subscription ${short(sync.subscription.id)} to ${sync.url}, ${sync.subscription.eventTypes.join(', ')}, excludeOwnChanges: ${sync.subscription.excludeOwnChanges}`);
  // A control subscription of the same key without excludeOwnChanges: it gets every change, the
  // sync's own included. Once it has them all, the platform has dispatched every change.
  control = await controlReceiver(baseUrl);
  const { subscription: controlSubscription } = await webhooksApi(baseUrl, SYNC.key, SITE, 'POST', '/webhooks/v1/subscriptions', {
    subscription: { url: control.url, eventTypes: EVENT_TYPES, excludeOwnChanges: false },
  });
  console.log(`  control: subscription ${short(controlSubscription.id)} of the same key, excludeOwnChanges: false (sees every change)`);

  const facetsBefore = await sync.subscriptionFacets();
  console.log(`  facets (GET /contacts/v4/contacts/facets), SUBSCRIPTION_STATUS: ${formatCounts(facetsBefore)}`);
  check('the facets count the seeded statuses: 3 SUBSCRIBED, 1 UNSUBSCRIBED, 2 NOT_SET', sameCounts(facetsBefore, { NOT_SET: 2, PENDING: 0, SUBSCRIBED: 3, UNSUBSCRIBED: 1 }), facetsBefore);

  const first = await sync.exportAudience();
  console.log(`  queryContacts().ne('primaryEmail.subscriptionStatus', 'UNSUBSCRIBED'): ${first.audience.length} contacts -> the tool, each at its effective email`);
  for (const member of first.audience) console.log(`       ${member.name.padEnd(18)} ${member.email}`);
  console.log(`  queryEmailSubscriptions({ email: { $in: [${tool.all().length} addresses] } }): ${first.statuses.length} have a subscription: ${first.statuses.map((s) => `${s.email} ${s.subscriptionStatus}`).join(', ')}`);
  check(
    'the audience is everyone but Linus (UNSUBSCRIBED), each at the primary address',
    sameSet(first.audience.map((m) => m.email), ['ada@example.com', 'grace@example.com', 'alan@example.com', 'katherine@example.com', 'margaret@example.com']) && first.undeliverable.length === 0,
    first,
  );
  check(`${OPTED_OUT_READER}, UNSUBSCRIBED on the platform, is UNSUBSCRIBED in the tool too (it will not be mailed)`, tool.get(OPTED_OUT_READER)?.subscriptionStatus === 'UNSUBSCRIBED', tool.get(OPTED_OUT_READER));

  const signups = await sync.pushChanges();
  console.log(`  the tool's own sign-ups -> bulkUpsertEmailSubscription: ${describePush(signups)}`);
  const readerStatuses = await sync.statusesOf(READERS);
  check(
    `${signups.items} items in ${signups.batches.length} calls of at most 100; the platform now has the ${READERS.length - 1} opt-ins SUBSCRIBED and ${OPTED_OUT_READER} still UNSUBSCRIBED`,
    signups.batches.length === 2 &&
      signups.batches.every((b) => b.size <= 100 && b.totalFailure === 0) &&
      readerStatuses.length === READERS.length &&
      readerStatuses.every((s) => s.subscriptionStatus === (s.email === OPTED_OUT_READER ? 'UNSUBSCRIBED' : 'SUBSCRIBED')),
    { signups, readerStatuses },
  );

  console.log('\n3. The email tool sends a campaign');
  const sent = await tool.sendCampaign('December newsletter', sync.unsubscribeHeaders);
  const linkOf = (email) => /^<(.+)>$/.exec(sent.find((m) => m.to === email)?.headers['List-Unsubscribe'] ?? '')?.[1];
  console.log(`  "December newsletter" to ${sent.length} recipients, each with List-Unsubscribe: <${new URL(linkOf('margaret@example.com')).origin}/email-marketing/v1/unsubscribe?token=...> and List-Unsubscribe-Post`);
  check(
    `every message carries its own unsubscribe link (generateUnsubscribeLink) and List-Unsubscribe-Post: List-Unsubscribe=One-Click; ${OPTED_OUT_READER} and Linus got none`,
    sent.length === 5 + READERS.length - 1 &&
      sent.every((m) => linkOf(m.to)?.startsWith(`${baseUrl}/email-marketing/v1/unsubscribe?token=`) && m.headers['List-Unsubscribe-Post'] === 'List-Unsubscribe=One-Click') &&
      new Set(sent.map((m) => linkOf(m.to))).size === sent.length &&
      !sent.some((m) => m.to === OPTED_OUT_READER || m.to === 'linus@example.com'),
    sent.slice(0, 3),
  );
  const outcomes = [
    ['alan@example.com', 'unsubscribes on the tool\'s preference page', () => tool.unsubscribed('alan@example.com')],
    [UNSUBSCRIBING_READER, 'unsubscribes on the tool\'s preference page', () => tool.unsubscribed(UNSUBSCRIBING_READER)],
    ['grace@example.com', 'bounces (mailbox gone)', () => tool.bounced('grace@example.com')],
    [BOUNCING_READER, 'bounces', () => tool.bounced(BOUNCING_READER)],
    ['katherine@example.com', 'is marked as spam (feedback loop)', () => tool.markedSpam('katherine@example.com')],
  ];
  for (const [email, what, happen] of outcomes) {
    happen();
    console.log(`       ${email.padEnd(24)} ${what}`);
  }
  tool.upsert({ email: TYPO, source: 'signup-form', subscriptionStatus: 'SUBSCRIBED' }, 'signup-form');
  console.log(`       ${TYPO.padEnd(24)} signs up on the tool's form (a typo the form let through)`);
  const campaign = await sync.pushChanges();
  console.log(`  the campaign's results and the new sign-up -> bulkUpsertEmailSubscription: ${describePush(campaign)}`);
  for (const refused of campaign.refused) console.log(`       refused: ${refused.email}: ${refused.errorCode} ${refused.message}`);
  check(
    `one call, metadata ${JSON.stringify(campaign.batches[0] && { totalSuccess: campaign.batches[0].totalSuccess, totalFailure: campaign.batches[0].totalFailure })}: the invalid address got its own error, the other ${campaign.items - 1} were applied`,
    campaign.items === outcomes.length + 1 &&
      campaign.batches.length === 1 &&
      campaign.applied === outcomes.length &&
      campaign.refused.length === 1 &&
      campaign.refused[0].email === TYPO &&
      campaign.refused[0].errorCode === 'INVALID_ARGUMENT',
    campaign,
  );

  console.log('\n4. What the platform shows now (read by the dashboard user)');
  const alan = await dashboard.contacts.getContact(contactOf('Alan').id);
  const grace = await dashboard.contacts.getContact(contactOf('Grace').id);
  const katherine = await dashboard.contacts.getContact(contactOf('Katherine').id);
  const ada = await dashboard.contacts.getContact(contactOf('Ada').id);
  for (const contact of [ada, grace, alan, katherine]) {
    const effective = contact.info?.extendedFields?.items?.['emailSubscriptions.effectiveEmail'];
    console.log(`  ${nameOf(contact).padEnd(18)} primaryEmail ${contact.primaryEmail.email} ${contact.primaryEmail.subscriptionStatus}/${contact.primaryEmail.deliverabilityStatus}, effectiveEmail ${effective ?? '(none)'}, revision ${contact.revision}`);
  }
  check('Alan: primaryEmail UNSUBSCRIBED, and his revision is still 1 (a subscription is not part of the contact)', alan.primaryEmail.subscriptionStatus === 'UNSUBSCRIBED' && alan.revision === 1, alan);
  check(
    'Grace: primaryEmail BOUNCED (still SUBSCRIBED), effectiveEmail moved to her second address grace.hopper@navy.example',
    grace.primaryEmail.deliverabilityStatus === 'BOUNCED' && grace.primaryEmail.subscriptionStatus === 'SUBSCRIBED' && effectiveOf(grace) === 'grace.hopper@navy.example',
    grace,
  );
  check('Katherine: primaryEmail SPAM_COMPLAINT, and no effectiveEmail (her only address is not one to write to)', katherine.primaryEmail.deliverabilityStatus === 'SPAM_COMPLAINT' && effectiveOf(katherine) === undefined, katherine);
  check('Ada: unchanged, SUBSCRIBED at ada@example.com', ada.primaryEmail.subscriptionStatus === 'SUBSCRIBED' && effectiveOf(ada) === 'ada@example.com', ada);

  const facetsAfter = await dashboard.contacts.listFacets().then(subscriptionCounts);
  console.log(`  facets, SUBSCRIPTION_STATUS: ${formatCounts(facetsAfter)} (before: ${formatCounts(facetsBefore)})`);
  check('the facets moved Alan from NOT_SET to UNSUBSCRIBED (bounces and complaints are deliverability, not subscription)', sameCounts(facetsAfter, { NOT_SET: 1, PENDING: 0, SUBSCRIBED: 3, UNSUBSCRIBED: 2 }), facetsAfter);

  const undeliverable = await dashboard.contacts.queryContacts().in('primaryEmail.deliverabilityStatus', ['BOUNCED', 'SPAM_COMPLAINT']).find();
  const unsubscribed = await dashboard.contacts.queryContacts().eq('info.extendedFields.emailSubscriptions.subscriptionStatus', 'UNSUBSCRIBED').find();
  console.log(`  queryContacts().in('primaryEmail.deliverabilityStatus', ['BOUNCED', 'SPAM_COMPLAINT']): ${names(undeliverable.items)}`);
  console.log(`  queryContacts().eq('info.extendedFields.emailSubscriptions.subscriptionStatus', 'UNSUBSCRIBED'): ${names(unsubscribed.items)}`);
  check('the filters on the statuses find them', sameSet(ids(undeliverable.items), [grace._id, katherine._id]) && sameSet(ids(unsubscribed.items), [alan._id, contactOf('Linus').id]), { undeliverable: names(undeliverable.items), unsubscribed: names(unsubscribed.items) });

  const readerOutcomes = await dashboard.emailSubscriptions.queryEmailSubscriptions({ email: { $in: [UNSUBSCRIBING_READER, BOUNCING_READER] } });
  const noContact = await dashboard.contacts.queryContacts().in('info.emails.email', [UNSUBSCRIBING_READER, BOUNCING_READER]).find();
  console.log(`  queryEmailSubscriptions: ${readerOutcomes.subscriptions.map((s) => `${s.email} ${s.subscriptionStatus}/${s.deliverabilityStatus}`).join(', ')}; contacts with these addresses: ${noContact.items.length}`);
  check(
    'the readers\' subscriptions exist though no contact has their address',
    noContact.items.length === 0 &&
      readerOutcomes.subscriptions.some((s) => s.email === UNSUBSCRIBING_READER && s.subscriptionStatus === 'UNSUBSCRIBED') &&
      readerOutcomes.subscriptions.some((s) => s.email === BOUNCING_READER && s.deliverabilityStatus === 'BOUNCED' && s.subscriptionStatus === 'SUBSCRIBED'),
    { readerOutcomes, noContact: noContact.items },
  );

  const second = await sync.exportAudience();
  console.log(`  the next export: ${second.audience.map((m) => `${m.name} <${m.email}>`).join(', ')}; left out for want of an address to write to: ${second.undeliverable.map((c) => c.name).join(', ') || 'nobody'}`);
  check(
    'the next export writes to Grace at her second address, and leaves out Alan (unsubscribed) and Katherine (complained)',
    sameSet(second.audience.map((m) => m.email), ['ada@example.com', 'grace.hopper@navy.example', 'margaret@example.com']) && second.undeliverable.map((c) => c.name).join() === 'Katherine Johnson',
    second,
  );

  console.log('\n5. Changes made elsewhere reach the email tool (webhooks)');
  await dashboard.emailSubscriptions.upsertEmailSubscription({ subscription: { email: 'linus@example.com', subscriptionStatus: 'SUBSCRIBED' } });
  await until(() => tool.get('linus@example.com')?.subscriptionStatus === 'SUBSCRIBED', 'Linus\'s re-subscription reaches the tool');
  step('the dashboard user re-subscribes Linus (upsertEmailSubscription SUBSCRIBED)', 'EmailSubscriptionChanged webhook -> the tool has linus@example.com SUBSCRIBED');

  const link = linkOf('margaret@example.com');
  const preview = await fetch(link);
  const afterPreview = (await sync.statusesOf(['margaret@example.com']))[0];
  check(`a GET of Margaret's link (what a link scanner does) answers the page (${preview.status}) and changes nothing`, preview.status === 200 && (afterPreview === undefined || afterPreview.subscriptionStatus !== 'UNSUBSCRIBED'), afterPreview);
  const oneClick = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  await until(() => tool.get('margaret@example.com')?.subscriptionStatus === 'UNSUBSCRIBED', 'Margaret\'s one-click unsubscribe reaches the tool');
  step(`Margaret's mail client does the RFC 8058 one-click POST to her List-Unsubscribe link (${oneClick.status})`, 'EmailSubscriptionChanged webhook -> the tool has margaret@example.com UNSUBSCRIBED');
  const margaret = await dashboard.contacts.getContact(contactOf('Margaret').id);
  check('Margaret\'s contact shows UNSUBSCRIBED and has no effectiveEmail', oneClick.status === 200 && margaret.primaryEmail.subscriptionStatus === 'UNSUBSCRIBED' && effectiveOf(margaret) === undefined, margaret);

  // Quiet: every subscription change since the sync started is in the feed, the control
  // subscription has them all delivered (so the platform has dispatched every change to both
  // subscriptions), and nothing is pending for the sync's.
  const feed = await readFeed(baseUrl, feedStart);
  await until(async () => {
    const log = await deliveries(baseUrl, controlSubscription.id);
    return feed.every((e) => log.some((d) => d.eventId === e.id && d.status === 'DELIVERED'));
  }, 'the control subscription has every change delivered');
  const syncLog = await until(async () => {
    const log = await deliveries(baseUrl, sync.subscription.id);
    return log.every((d) => d.status !== 'PENDING') && log;
  }, 'nothing is pending for the sync');
  const leftover = await sync.pushChanges();

  console.log('\nChecks: no echo');
  const own = feed.filter((e) => e.identity?.appId === SYNC.name);
  const others = feed.filter((e) => e.identity?.appId !== SYNC.name);
  console.log(`  the change feed holds ${feed.length} subscription changes since the sync started: ${own.length} by "${SYNC.name}", ${others.length} by others (${others.map((e) => who(e.identity)).join(', ')})`);
  check(
    `an upsert that changes nothing records nothing: the sync's pushes applied ${signups.applied + campaign.applied} items and made ${own.length} changes (${OPTED_OUT_READER} was UNSUBSCRIBED already)`,
    own.length === signups.applied + campaign.applied - 1,
  );
  check(
    "the one-click unsubscribe is the recipient's: identity ANONYMOUS_VISITOR, no key",
    others.filter((e) => e.identity?.identityType === 'ANONYMOUS_VISITOR').length === 1 && others.filter((e) => e.identity?.appId === DASHBOARD.name).length === 1,
    others.map((e) => e.identity),
  );
  check(`the control subscription (excludeOwnChanges: false) received all ${feed.length}, the sync's own included`, control.count() >= feed.length);
  check(
    `the sync received exactly the ${others.length} changes made elsewhere: ${sync.stats.webhooks.map((w) => `${w.email} ${w.subscriptionStatus} (by ${who(w.identity)})`).join(', ')}`,
    sync.stats.webhooks.length === others.length && sameSet(sync.stats.webhooks.map((w) => w.email), ['linus@example.com', 'margaret@example.com']),
    sync.stats.webhooks,
  );
  check(`none of the sync's own ${own.length} changes came back to it (excludeOwnChanges)`, sync.stats.echoes === 0 && !syncLog.some((d) => own.some((e) => e.id === d.eventId)), { echoes: sync.stats.echoes });
  check(
    `the platform's deliveries log of the sync's subscription agrees: ${syncLog.length} DELIVERED, none pending or failed`,
    syncLog.length === others.length && syncLog.every((d) => d.status === 'DELIVERED') && sameSet(syncLog.map((d) => d.eventId), others.map((e) => e.id)),
    syncLog,
  );
  const fromPlatform = tool.changesSince(0).filter((c) => c.actor === SYNC_ACTOR).length;
  check(`tool side: the ${fromPlatform} tool changes the sync made from the platform's data are not pushed back (a push now has ${leftover.items} items)`, leftover.items === 0, leftover);
  check('no errors in the sync', sync.stats.errors.length === 0, sync.stats.errors);
} catch (error) {
  checks.push(false);
  console.error(`\nFAILED: ${error instanceof Error ? error.stack : String(error)}`);
  if (sync) console.error(`sync stats: ${JSON.stringify(sync.stats, null, 2)}`);
} finally {
  await sync?.close().catch(() => {});
  await control?.close().catch(() => {});
  const failed = checks.length === 0 || checks.includes(false);
  await platform.stop({ showLog: failed });
  console.log(`\nemail-tool sync example ${failed ? 'FAILED' : 'passed'} (${checks.filter(Boolean).length}/${checks.length} checks) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = failed ? 1 : 0;
}

/** The seeded contacts (createContact) and their statuses beforehand (upsertEmailSubscription). */
async function seed(dashboard) {
  const people = [];
  for (const person of PEOPLE) {
    const { contact } = await dashboard.contacts.createContact({
      name: { first: person.first, last: person.last },
      emails: { items: person.emails.map((email) => ({ email })) },
    });
    if (person.status) await dashboard.emailSubscriptions.upsertEmailSubscription({ subscription: { email: person.emails[0], subscriptionStatus: person.status } });
    people.push({ ...person, id: contact._id, name: `${person.first} ${person.last}` });
  }
  return people;
}

function describePush(push) {
  return `${push.items} items in ${push.batches.length} call${push.batches.length === 1 ? '' : 's'} (${push.batches.map((b) => b.size).join(' + ')}), ${push.applied} applied, ${push.refused.length} refused`;
}

/** The feed's cursor after its last subscription change (GET /events/v1/events). */
async function feedCursor(baseUrl) {
  let cursor = '';
  for (;;) {
    const page = await webhooksApi(baseUrl, SYNC.key, SITE, 'GET', `/events/v1/events?limit=1000&eventTypes=${EVENT_TYPES.join(',')}&cursor=${cursor}`);
    cursor = page.nextCursor ?? cursor;
    if (!page.hasMore) return cursor;
  }
}

/** The subscription changes after `cursor`, page by page. */
async function readFeed(baseUrl, cursor) {
  const events = [];
  for (;;) {
    const page = await webhooksApi(baseUrl, SYNC.key, SITE, 'GET', `/events/v1/events?limit=1000&eventTypes=${EVENT_TYPES.join(',')}&cursor=${cursor}`);
    events.push(...page.events);
    cursor = page.nextCursor ?? cursor;
    if (!page.hasMore) return events;
  }
}

async function deliveries(baseUrl, subscriptionId) {
  return (await webhooksApi(baseUrl, SYNC.key, SITE, 'GET', `/webhooks/v1/subscriptions/${subscriptionId}/deliveries?paging.limit=1000`)).deliveries;
}

/** A receiver that verifies with Wix's SDK and only counts. */
async function controlReceiver(baseUrl) {
  const client = createClient({ auth: AppStrategy({ appId: 'control', publicKey: await fetchPublicKey(baseUrl) }), modules: { emailSubscriptions } });
  let count = 0;
  client.emailSubscriptions.onEmailsubscriptionEmailSubscriptionChanged(() => void count++);
  return { ...(await listenForWebhooks(client, '/control')), count: () => count };
}

function subscriptionCounts({ facets }) {
  return Object.fromEntries(facets.filter((facet) => facet.facetType === 'SUBSCRIPTION_STATUS').map((facet) => [facet.facetKey, facet.count]));
}

function sameCounts(actual, expected) {
  return Object.entries(expected).every(([key, count]) => (actual[key] ?? 0) === count);
}

function formatCounts(counts) {
  return Object.entries(counts)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}

function effectiveOf(contact) {
  return contact.info?.extendedFields?.items?.['emailSubscriptions.effectiveEmail'];
}

function nameOf(contact) {
  return [contact.info?.name?.first, contact.info?.name?.last].filter(Boolean).join(' ');
}

function names(contacts) {
  return contacts.map(nameOf).sort().join(', ') || '(none)';
}

function ids(contacts) {
  return contacts.map((contact) => contact._id);
}

function who(identity) {
  return identity?.appId ?? identity?.identityType ?? 'unknown';
}

function sameSet(a, b) {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

function short(id) {
  return id.slice(0, 8);
}
