import { isAppError } from '@cp/errors';
import { refuseReservedKeys } from './reserved-keys';

function refusal(value: unknown): { field: string; rule: string } | undefined {
  try {
    refuseReservedKeys(value);
    return undefined;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { field: error.violations[0].field, rule: error.violations[0].violatedRule };
  }
}

describe('reserved keys', () => {
  it('refuses constructor, prototype and __proto__ anywhere, naming the path', () => {
    expect(refusal({ filter: { constructor: 'nobody' } })).toEqual({ field: 'filter.constructor', rule: 'RESERVED_KEY' });
    expect(refusal({ filter: { $or: [{ id: 'x' }, { prototype: 1 }] } })).toEqual({ field: 'filter.$or[1].prototype', rule: 'RESERVED_KEY' });
    expect(refusal(JSON.parse('{"info":{"__proto__":{"x":1}}}'))).toEqual({ field: 'info.__proto__', rule: 'RESERVED_KEY' });
  });

  it('lets everything else through, values named like them included', () => {
    expect(refusal({ filter: { 'info.name.first': 'constructor', tags: ['prototype'] }, n: 1, s: null })).toBeUndefined();
    expect(refusal(undefined)).toBeUndefined();
  });
});
