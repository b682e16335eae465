import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Harness, startHarness } from './harness';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  'x-required-scope'?: string;
  'x-aliases'?: string[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface Schema {
  $ref?: string;
  type?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  items?: Schema;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { in: string; name: string }> };
}

/** The calls of Wix's SDK modules for the APIs this one is compatible with, from their own typings. */
function sdkCalls(): string[] {
  const modules = ['auto_sdk_crm_contacts', 'auto_sdk_crm_labels', 'auto_sdk_crm_extended-fields', 'auto_sdk_email-subscriptions_email-subscriptions'];
  return modules.flatMap((name) => {
    const typings = readFileSync(join(dirname(require.resolve(`@wix/${name}`)), 'index.typings.d.ts'), 'utf8');
    // on<Event> registers a webhook handler and typed<Query> builds a query: neither is an HTTP call of its own.
    return [...typings.matchAll(/declare function (\w+)/g)].map((match) => match[1]).filter((call) => !/^(on|typed)[A-Z]/.test(call));
  });
}

describe('the OpenAPI document', () => {
  let app: Harness;
  let document: Document;
  let operations: [string, string, Operation][];

  beforeAll(async () => {
    app = await startHarness();
    document = (await (await fetch(`${app.url}/openapi.json`)).json()) as Document;
    operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]): [string, string, Operation] => [method, path, operation]));
  });
  afterAll(async () => {
    await app.stop();
  });

  it("names each operation as Wix's SDK calls it, once", () => {
    const ids = operations.map(([, , operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z][A-Za-z]+$/.test(id))).toEqual([]);
    const calls = sdkCalls();
    expect(calls.length).toBeGreaterThan(25);
    expect(calls.filter((call) => !ids.includes(call))).toEqual([]);
  });

  it('lists the /_api aliases on their operation instead of as operations', () => {
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/_api/'))).toEqual([]);
    const create = document.paths['/contacts/v4/contacts'].post;
    expect(create['x-aliases']).toEqual(['/_api/contacts/v4/contacts']);
    expect(document.paths['/email-marketing/v1/email-subscriptions'].post['x-aliases']).toEqual(['/_api/email-marketing/v1/email-subscriptions', '/v1/email-subscriptions']);
  });

  it('gives every operation a typed answer and the error envelope on every error it documents', () => {
    for (const [method, path, operation] of operations) {
      const name = `${method} ${path}`;
      const ok = operation.responses['200']?.content;
      expect([name, ok && Object.keys(ok)]).toEqual([name, expect.any(Array)]);
      const json = ok?.['application/json']?.schema?.$ref;
      if (json) expect([name, document.components.schemas[json.replace('#/components/schemas/', '')]]).toEqual([name, expect.any(Object)]);
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      expect([name, errors.map(([status]) => status)]).toEqual([name, expect.arrayContaining(['400', '500', '503'])]);
      for (const [status, response] of errors) {
        if (!response.content?.['application/json']) continue; // the unsubscribe page answers HTML
        const schema = response.content['application/json'].schema?.$ref;
        expect([name, status, schema]).toEqual([name, status, ['/health', '/health/ready'].includes(path) && status === '503' ? '#/components/schemas/HealthReport' : '#/components/schemas/ErrorEnvelope']);
      }
    }
  });

  it('asks for the API key and the site together, and names the scope, on every authenticated operation', () => {
    expect(document.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ in: 'header', name: 'Authorization' }),
      siteId: expect.objectContaining({ in: 'header', name: 'wix-site-id' }),
    });
    const authenticated = operations.filter(([, , operation]) => operation.security);
    expect(authenticated.length).toBeGreaterThan(40);
    for (const [method, path, operation] of authenticated) {
      expect([method, path, operation.security, operation['x-required-scope']]).toEqual([method, path, [{ apiKey: [], siteId: [] }], expect.stringMatching(/^[A-Z_]+\.[A-Z_]+$/)]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403', '429']));
    }
    expect(document.paths['/webhooks/v1/public-key'].get.security).toBeUndefined();
  });

  it('shows an example wherever a request takes an open object, so /docs shows no placeholder map', () => {
    const schemas = document.components.schemas as Record<string, Schema>;
    const withoutExample: string[] = [];
    const seen = new Set<string>();
    const visit = (schema: Schema | undefined, where: string): void => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.replace('#/components/schemas/', '');
        if (!seen.has(name)) {
          seen.add(name);
          visit(schemas[name], name);
        }
        return;
      }
      const open = schema.type === 'object' && (schema.additionalProperties === true || (!schema.properties && !schema.additionalProperties));
      if (open && schema.example === undefined) withoutExample.push(where);
      for (const part of schema.allOf ?? []) visit(part, where);
      visit(schema.items, `${where}[]`);
      for (const [key, property] of Object.entries(schema.properties ?? {})) visit(property.example === undefined ? property : { ...property, type: undefined }, `${where}.${key}`);
    };
    for (const [method, path, operation] of operations) {
      visit(operation.requestBody?.content['application/json']?.schema as Schema | undefined, `${method} ${path}`);
    }
    expect(seen.size).toBeGreaterThan(10);
    expect(withoutExample).toEqual([]);
    expect(document.components.schemas.CreateContactBody).toMatchObject({ properties: { info: { allOf: [{ $ref: '#/components/schemas/ContactInfoInput' }], example: { name: { first: 'Ada' } } } } });
  });

  it('is where / leads a browser', async () => {
    const response = await fetch(`${app.url}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/docs');
  });
});
