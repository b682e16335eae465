import { isAcceptableRequestId, MAX_REQUEST_ID_LENGTH, requestIdOf } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it(`keeps a client id of up to ${MAX_REQUEST_ID_LENGTH} of [A-Za-z0-9._:-]`, () => {
    for (const id of ['a', 'req-1', 'trace.span:42_x', 'r'.repeat(MAX_REQUEST_ID_LENGTH)]) {
      expect(isAcceptableRequestId(id)).toBe(true);
      expect(requestIdOf({ headers: { 'x-request-id': id } })).toBe(id);
    }
  });

  it('replaces a missing, long, repeated or unusual one with a new UUID', () => {
    for (const given of [undefined, '', 'r'.repeat(MAX_REQUEST_ID_LENGTH + 1), 'a b', 'a\nb', 'ü', 'a/b', 'a,b', ['a', 'b']]) {
      const id = requestIdOf({ headers: { 'x-request-id': given } });
      expect(id).toMatch(UUID);
    }
    expect(requestIdOf({ headers: {} })).not.toBe(requestIdOf({ headers: {} }));
  });
});
