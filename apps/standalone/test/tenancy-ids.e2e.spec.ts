import fc from 'fast-check';
import { Harness, KEYS, startHarness, uniqueSite } from './harness';

/**
 * Ids and site ids full of separators, thrown at every route that takes an id: nothing may
 * reach another site's contact, label or field. Built from the victim's own ids, the way an
 * attacker would (`x.U`, `x:U`, a prefix of the victim's site plus the rest in the path, ...).
 */
describe('no id of one site names an entity of another', () => {
  let app: Harness;
  const attackerSite = uniqueSite('attacker');
  const asAttacker = { key: KEYS.everything, site: attackerSite };
  /**
   * Victims in sites whose ids begin with the attacker's and go on with a separator: the shape
   * that let `x.U` in the attacker's site name `U` of site `<attacker>.x`. Such site ids are
   * refused now; where one is accepted, its entities must still be out of reach.
   */
  const victimSites = [uniqueSite('victim'), `${attackerSite}.x`, `${attackerSite}:x`, `${attackerSite}.x.y`, `${attackerSite}/x`];
  const victims: Victim[] = [];
  const refusedSites: string[] = [];
  let attackerContactId: string;
  let routes: { method: string; template: string }[];

  interface Victim {
    site: string;
    /** What follows the attacker's site id in the victim's, separator dropped (`x` for `<attacker>.x`). */
    rest: string;
    contactId: string;
    labelKey: string;
    fieldKey: string;
  }

  beforeAll(async () => {
    app = await startHarness();
    for (const site of victimSites) {
      const as = { key: KEYS.everything, site };
      const created = await app.call('POST', '/contacts/v4/contacts', {
        ...as,
        body: { info: { name: { first: 'Victim' }, company: 'Victim Inc', emails: { items: [{ email: `victim@${victimSites.indexOf(site)}.example.com` }] } } },
      });
      if (created.status === 400) {
        expect(created.body.details.validationError.fieldViolations[0]).toMatchObject({ field: 'wix-site-id', violatedRule: 'FORMAT' });
        refusedSites.push(site);
        continue;
      }
      expect(created.status).toBe(200);
      const contactId = created.body.contact.id;
      const labelKey = (await app.call('POST', '/contacts/v4/labels', { ...as, body: { displayName: 'Secret' } })).body.label.key;
      const fieldKey = (await app.call('POST', '/contacts/v4/extended-fields', { ...as, body: { displayName: 'Secret field', dataType: 'TEXT' } })).body.field.key;
      await app.call('POST', `/contacts/v4/contacts/${contactId}/labels`, { ...as, body: { labelKeys: [labelKey] } });
      const rest = site.startsWith(attackerSite) ? site.slice(attackerSite.length + 1) : site;
      victims.push({ site, rest, contactId, labelKey, fieldKey });
    }
    attackerContactId = (await app.call('POST', '/contacts/v4/contacts', { ...asAttacker, body: { info: { name: { first: 'Attacker' } } } })).body.contact.id;

    // Every route with an id or key, under each of its prefixes (the document lists the aliases of each operation).
    const openapi = (await fetch(`${app.url}/openapi.json`).then((response) => response.json())) as { paths: Record<string, Record<string, { 'x-aliases'?: string[] }>> };
    routes = Object.entries(openapi.paths).flatMap(([template, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        [template, ...(operation['x-aliases'] ?? [])].filter((path) => /\{(id|key)\}/.test(path)).map((path) => ({ method: method.toUpperCase(), template: path })),
      ),
    );
  });
  afterAll(async () => {
    await app.stop();
  });

  it('refuses site ids with separators, so such sites cannot even be created', () => {
    expect(refusedSites).toEqual(victimSites.slice(1));
  });

  const separator = fc.constantFrom('.', ':', '/', '%', '..', '%2E', '%3A', '%2F', '%252E', '\u2024', '\uFF0E', '\u0000', '..%2F');

  /** Site headers an attacker could send (printable, so they can travel in a header). */
  const siteHeader = (victim: Victim) =>
    fc
      .oneof(
        fc.constant(attackerSite),
        fc.tuple(separator, fc.constantFrom('', 'x', victim.rest)).map(([s, f]) => `${attackerSite}${s}${f}`),
        fc.tuple(separator, fc.constantFrom('', 'x')).map(([s, f]) => `${victim.site}${s}${f}`),
        fc.string({ unit: fc.constantFrom('a', '-', '_', '.', ':', '/', '%', '1', ' ', '*'), minLength: 1, maxLength: 20 }),
      )
      .filter((site) => site.trim() !== '' && site !== victim.site && /^[\x21-\x7e ]+$/.test(site));

  const craftedId = (victim: Victim, target: fc.Arbitrary<string>) =>
    fc.oneof(
      target,
      fc.tuple(separator, target).map(([s, t]) => `${victim.rest}${s}${t}`),
      fc.tuple(fc.constantFrom('', 'x', 'a', victim.site), separator, target).map(([f, s, t]) => `${f}${s}${t}`),
      fc.tuple(separator, separator, target).map(([a, b, t]) => `${victim.rest}${a}${b}${t}`),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    );

  const bodyFor = (method: string, template: string, key: string, id: string): unknown => {
    if (template.endsWith('/merge')) return { targetContactRevision: 1, sourceContactIds: [id] };
    if (template.endsWith('/preview-merge')) return { sourceContactIds: [id] };
    if (template.endsWith('/labels') && method === 'POST') return { labelKeys: [key] };
    if (template.includes('/labels/') && method === 'PATCH') return { label: { displayName: 'Pwned' } };
    if (template.includes('/extended-fields/') && method === 'PATCH') return { field: { displayName: 'Pwned' } };
    if (method === 'PATCH') return { revision: 2, info: { company: 'Pwned' } };
    return undefined;
  };

  it('answers every crafted id on every route with a 4xx and changes nothing', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(20);
    expect(victims.length).toBeGreaterThan(0);
    for (const victim of victims) {
      await fc.assert(
        fc.asyncProperty(
          fc.nat(),
          siteHeader(victim),
          craftedId(victim, fc.constant(victim.contactId)),
          craftedId(victim, fc.constantFrom(victim.labelKey, victim.fieldKey)),
          fc.boolean(),
          async (routeIndex, site, id, key, ownTarget) => {
            const { method, template } = routes[routeIndex % routes.length];
            // Merging a crafted source into one's own contact is how an email would be stolen.
            const pathId = ownTarget && /merge$/.test(template) ? attackerContactId : id;
            let path = template.replace('{id}', encodeURIComponent(pathId)).replace('{key}', encodeURIComponent(key));
            if (template.endsWith('/labels') && method === 'DELETE') path += `?labelKeys=${encodeURIComponent(key)}`;
            if (method === 'GET' && /contacts\/v4\/contacts\/\{id\}$/.test(template)) path += `?asOf=${encodeURIComponent(new Date().toISOString())}`;
            const response = await app.call(method, path, { key: KEYS.everything, site, body: bodyFor(method, template, key, id) });
            if (response.status < 400 || response.status >= 500) {
              throw new Error(`${method} ${path} as site ${JSON.stringify(site)} answered ${response.status}: ${JSON.stringify(response.body)}`);
            }
          },
        ),
        { numRuns: 500 },
      );
    }

    for (const victim of victims) {
      const as = { key: KEYS.everything, site: victim.site };
      const contact = await app.call('GET', `/contacts/v4/contacts/${victim.contactId}`, as);
      expect(contact.status).toBe(200);
      expect(contact.body.contact).toMatchObject({ revision: 2, info: { company: 'Victim Inc', labelKeys: { items: [victim.labelKey] } } });
      expect((await app.call('GET', `/contacts/v4/contacts/${victim.contactId}/history`, as)).body.events).toHaveLength(2);
      expect((await app.call('GET', `/contacts/v4/labels/${victim.labelKey}`, as)).body.label.displayName).toBe('Secret');
      expect((await app.call('GET', `/contacts/v4/extended-fields/${victim.fieldKey}`, as)).body.field.displayName).toBe('Secret field');
    }
    const attacker = await app.call('GET', `/contacts/v4/contacts/${attackerContactId}`, asAttacker);
    expect(attacker.body.contact.revision).toBe(1);
    expect(JSON.stringify(attacker.body.contact)).not.toContain('victim@');
  });

  it('refuses a site header that is not a site id, before anything else', async () => {
    for (const site of [`${attackerSite}.x`, `a:${attackerSite}`, `${attackerSite}/..`, '%2E', '-x', 'x'.repeat(65)]) {
      const response = await app.call('GET', '/contacts/v4/contacts', { key: KEYS.everything, site });
      expect(response.status).toBe(400);
      expect(response.body.details.validationError.fieldViolations[0]).toMatchObject({ field: 'wix-site-id', violatedRule: 'FORMAT' });
    }
  });
});
