import { OpenApiConformance } from './openapi-conformance';

const document = {
  paths: {
    '/things/{id}': {
      get: {
        operationId: 'getThing',
        'x-aliases': ['/_api/things/{id}'],
        responses: {
          200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingResponse' } } } },
          404: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
    '/things/special': { get: { operationId: 'getSpecial', responses: { 200: { content: { 'text/html': {} } } } } },
  },
  components: {
    schemas: {
      ThingResponse: {
        type: 'object',
        properties: { thing: { type: 'object', properties: { id: { type: 'string' }, size: { type: 'integer' } }, required: ['id'], additionalProperties: false } },
        required: ['thing'],
        additionalProperties: false,
      },
      Error: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    },
  },
};

const conformance = new OpenApiConformance(document);
const json = 'application/json; charset=utf-8';

describe('OpenApiConformance', () => {
  it('accepts a response that matches its operation, under the documented path and its aliases', () => {
    for (const path of ['/things/1', '/_api/things/1?fields=x']) {
      expect(conformance.violations({ method: 'GET', path, status: 200, contentType: json, text: '{"thing":{"id":"1","size":2}}' })).toEqual([]);
    }
  });

  it('names a field the document does not have, a missing one and a wrong type', () => {
    const violations = conformance.violations({ method: 'GET', path: '/things/1', status: 200, contentType: json, text: '{"thing":{"size":"big","colour":"red"}}' });
    expect(violations.join('\n')).toMatch(/must have required property 'id'/);
    expect(violations.join('\n')).toMatch(/must NOT have additional properties.*colour/);
    expect(violations.join('\n')).toMatch(/\/thing\/size must be integer/);
  });

  it('refuses a status the operation does not document', () => {
    expect(conformance.violations({ method: 'GET', path: '/things/1', status: 409, contentType: json, text: '{"message":"x"}' })).toEqual([
      'GET /things/{id} (getThing) → 409: status 409 is not documented',
    ]);
  });

  it('prefers a literal path to a parameter, and checks the content type', () => {
    expect(conformance.violations({ method: 'GET', path: '/things/special', status: 200, contentType: 'text/html', text: '<p>' })).toEqual([]);
    expect(conformance.violations({ method: 'GET', path: '/things/special', status: 200, contentType: json, text: '{}' })).toEqual([
      'GET /things/special (getSpecial) → 200: content-type application/json, documented: text/html',
    ]);
  });

  it('accepts the refusal of an unknown route or method, and nothing else there', () => {
    expect(conformance.violations({ method: 'GET', path: '/nothing', status: 404, contentType: json, text: '{}' })).toEqual([]);
    expect(conformance.violations({ method: 'DELETE', path: '/things/1', status: 404, contentType: json, text: '{}' })).toEqual([]);
    expect(conformance.violations({ method: 'GET', path: '/openapi.json', status: 200, contentType: json, text: '{}' })).toEqual([]);
    expect(conformance.violations({ method: 'GET', path: '/undocumented/1?x=1', status: 200, contentType: json, text: '{}' })).toEqual([
      'GET /undocumented/1 → 200: no operation of the document serves it',
    ]);
  });
});
