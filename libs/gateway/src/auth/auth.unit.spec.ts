import { allows, ApiKeyRegistry, grantsSite, parseApiKeys } from '../index';

describe('API keys', () => {
  const keys = parseApiKeys(JSON.stringify([{ key: 'k'.repeat(20), sites: ['s1'], scopes: ['SCOPE.DC-CONTACTS.READ-CONTACTS'] }]));

  it('parses API_KEYS and names what is wrong', () => {
    expect(keys[0]).toMatchObject({ sites: ['s1'], name: 'key-1' });
    expect(() => parseApiKeys('not json')).toThrow(/JSON array/);
    expect(() => parseApiKeys('[]')).toThrow(/non-empty/);
    expect(() => parseApiKeys('[{"key":"short","sites":["*"],"scopes":["*"]}]')).toThrow(/API_KEYS\[0\]\.key/);
    expect(() => parseApiKeys(`[{"key":"${'k'.repeat(20)}","sites":[],"scopes":["*"]}]`)).toThrow(/sites/);
  });

  it('refuses a scope the API does not have, so that a typo does not leave a key that grants nothing', () => {
    expect(() => parseApiKeys(`[{"key":"${'k'.repeat(20)}","sites":["*"],"scopes":["SCOPE.DC-CONTACTS.READ-CONTACTS","SCOPE.CONTACTS.READ"]}]`)).toThrow(
      /^API_KEYS\[0\]\.scopes: "SCOPE\.CONTACTS\.READ" is not a scope \(known: \*, SCOPE\.DC-CONTACTS\.READ-CONTACTS, /,
    );
  });

  it('refuses two keys of one name: the name is who a key is in events and webhooks', () => {
    const key = (name: string | undefined, fill: string) => ({ key: fill.repeat(20), sites: ['*'], scopes: ['*'], ...(name !== undefined && { name }) });
    expect(() => parseApiKeys(JSON.stringify([key('sync', 'a'), key('sync', 'b')]))).toThrow(/two keys are named "sync"/);
    expect(() => parseApiKeys(JSON.stringify([key(undefined, 'a'), key('key-1', 'b')]))).toThrow(/two keys are named "key-1"/);
    expect(parseApiKeys(JSON.stringify([key('sync', 'a'), key(undefined, 'b')])).map((k) => k.name)).toEqual(['sync', 'key-2']);
  });

  it('refuses site ids that are not in the documented form', () => {
    for (const site of ['a.x', 'a:x', 'a/x', '%2E', '', ' a', 'x'.repeat(65)]) {
      expect(() => parseApiKeys(JSON.stringify([{ key: 'k'.repeat(20), sites: ['ok', site], scopes: ['*'] }]))).toThrow(/API_KEYS\[0\]\.sites/);
    }
    expect(parseApiKeys(JSON.stringify([{ key: 'k'.repeat(20), sites: ['*', 'site-1', 'A_b'], scopes: ['*'] }]))[0].sites).toEqual(['*', 'site-1', 'A_b']);
  });

  it('finds keys and checks sites and scopes', () => {
    const registry = new ApiKeyRegistry(keys);
    const key = registry.find('k'.repeat(20))!;
    expect(registry.find('k'.repeat(19))).toBeUndefined();
    expect(grantsSite(key, 's1')).toBe(true);
    expect(grantsSite(key, 's2')).toBe(false);
    expect(allows(key.scopes, 'CONTACTS.VIEW')).toBe(true);
    expect(allows(key.scopes, 'CONTACTS.MODIFY')).toBe(false);
    expect(allows(['*'], 'CONTACTS.MODIFY')).toBe(true);
  });
});
