import { idempotencyKeyOf } from './idempotency-key';

describe('idempotencyKeyOf', () => {
  it('takes the client\'s key as it is', () => {
    expect(idempotencyKeyOf('3f1c2a9e-0b7d-4f3a-9d2e-6c5b4a392817')).toBe('3f1c2a9e-0b7d-4f3a-9d2e-6c5b4a392817');
    expect(idempotencyKeyOf('order:1042/contact')).toBe('order:1042/contact');
  });

  it('makes a fresh key for a request without one', () => {
    const a = idempotencyKeyOf(undefined);
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(idempotencyKeyOf(undefined)).not.toBe(a);
  });

  it.each([[''], ['has space'], ['a'.repeat(256)], ['naïve'], [['one', 'two']], ['import:7c8d0a4e-8f6a-4e0b-9f3a-2b1c0d9e8f7a:1']])('refuses %j with a 400 naming the header', (header) => {
    expect(() => idempotencyKeyOf(header)).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT', violations: [expect.objectContaining({ field: 'Idempotency-Key' })] }));
  });
});
