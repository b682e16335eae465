import { FastifyAdapter } from '@nestjs/platform-fastify';
import { MAX_BODY_DEPTH, useJsonBodiesOnly } from './json-body';

/** The body parser on a bare Fastify instance: what reaches a route, and what is refused before it. */
describe('useJsonBodiesOnly', () => {
  let adapter: FastifyAdapter;
  beforeAll(async () => {
    adapter = new FastifyAdapter();
    useJsonBodiesOnly(adapter);
    const fastify = adapter.getInstance();
    fastify.setErrorHandler((error: { code?: string; statusCode?: number }, _request, reply) => {
      void reply.code(error.statusCode ?? 400).send({ code: error.code });
    });
    fastify.route({ method: ['POST', 'DELETE'], url: '/echo', handler: async (request) => ({ body: request.body ?? null }) });
    await fastify.ready();
  });
  afterAll(() => adapter.close());

  const send = (payload: string, contentType = 'application/json', method: 'POST' | 'DELETE' = 'POST') =>
    adapter.getInstance().inject({ method, url: '/echo', headers: { 'content-type': contentType }, payload });
  const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '[1]' + '}'.repeat(depth - 1);

  it(`parses JSON nested up to ${MAX_BODY_DEPTH} levels and refuses deeper with BODY_TOO_DEEP`, async () => {
    expect((await send(nested(MAX_BODY_DEPTH))).statusCode).toBe(200);
    const deep = await send(nested(MAX_BODY_DEPTH + 1));
    expect(deep.json()).toEqual({ code: 'BODY_TOO_DEEP' });
    expect((await send('['.repeat(100_000))).json()).toEqual({ code: 'BODY_TOO_DEEP' });
  });

  it('reads application/json with parameters, and an empty body as no body', async () => {
    expect((await send('{"a":1}', 'application/json; charset=utf-8')).json()).toEqual({ body: { a: 1 } });
    expect((await send('', 'application/json', 'DELETE')).json()).toEqual({ body: null });
  });

  it('refuses other media types with 415, and malformed JSON or prototype keys with INVALID_JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) expect((await send('a=1', type)).statusCode).toBe(415);
    expect((await send('{"__proto__":{"admin":true}}')).json()).toEqual({ code: 'INVALID_JSON' });
    expect((await send('{"a":{"constructor":{"prototype":{}}}}')).json()).toEqual({ code: 'INVALID_JSON' });
    expect((await send('{oops')).json()).toEqual({ code: 'INVALID_JSON' });
  });
});
