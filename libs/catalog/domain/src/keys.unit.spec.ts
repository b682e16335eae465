import { allocateKey, slugify, validDisplayName } from './index';

describe('keys', () => {
  it('slugs display names as the API shows them', () => {
    expect(slugify('Barking Intensive (long weekend)')).toBe('barking-intensive-long-weekend');
    expect(slugify('  Café  VIP!! ')).toBe('cafe-vip');
  });

  it('appends a suffix when the key is taken and respects the length limit', () => {
    const taken = new Set(['custom.vip', 'custom.vip-1']);
    expect(allocateKey('custom', 'VIP', (k) => taken.has(k), 80)).toBe('custom.vip-2');
    expect(allocateKey('custom', 'x'.repeat(200), () => false, 80)).toHaveLength(80);
    expect(allocateKey('custom', '!!!', () => false, 80)).toBe('custom.field');
  });

  it('validates display names', () => {
    expect(validDisplayName('  Gold ', 180)).toBe('Gold');
    expect(() => validDisplayName(' ', 180)).toThrow(/required/);
    expect(() => validDisplayName('x'.repeat(181), 180)).toThrow(/180/);
  });
});
