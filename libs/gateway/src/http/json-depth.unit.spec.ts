import { jsonNestsDeeperThan } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('jsonNestsDeeperThan', () => {
  it('allows exactly the limit and refuses one level more, for objects, arrays and both', () => {
    expect(jsonNestsDeeperThan(bytes(objects(32)), 32)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(objects(33)), 32)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(arrays(32)), 32)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(arrays(33)), 32)).toBe(true);
    const mixed = (depth: number) => '{"$and":['.repeat(depth) + ']}'.repeat(depth);
    expect(jsonNestsDeeperThan(bytes(mixed(16)), 32)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(mixed(17)), 32)).toBe(true);
  });

  it('counts depth, not the number of objects', () => {
    const wide = JSON.stringify({ items: Array.from({ length: 10_000 }, (_, i) => ({ i, tags: [i] })) });
    expect(jsonNestsDeeperThan(bytes(wide), 4)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(wide), 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes and non-ASCII text included', () => {
    const text = JSON.stringify({ a: '{{{[[[', b: 'say \\"{[\\" ok', c: '"{"', d: 'ünïcødé {[ 日本 ]}' });
    expect(jsonNestsDeeperThan(bytes(text), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ k: `${'\\'.repeat(3)}[` })), 1)).toBe(false);
  });

  it('scans a million levels without recursion, and stops at the limit', () => {
    expect(jsonNestsDeeperThan(bytes('['.repeat(1_000_000)), 32)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(arrays(1_000_000)), 2_000_000)).toBe(false);
  });

  it('takes scalars and empty input as depth 0', () => {
    for (const text of ['', '1', '"x"', 'null', '{oops']) expect(jsonNestsDeeperThan(bytes(text), 0)).toBe(text === '{oops');
  });
});
