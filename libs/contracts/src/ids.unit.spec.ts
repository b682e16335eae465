import fc from 'fast-check';
import { isDefinitionKey, isGuid, isSiteId, siteDocumentId, siteKey, siteStream, streamEntityId } from './ids';

/** Strings full of the characters that separate the parts of names: the ones that confused sites before. */
const tricky = fc.string({
  unit: fc.oneof(fc.constantFrom('.', ':', '/', '%', '..', '%2E', '%3A', '-', '_', 'a', 'b', '\u2024', '\uFF0E', '\u0000'), fc.string({ unit: 'grapheme', maxLength: 1 })),
  maxLength: 12,
});

describe('site-scoped names', () => {
  it('are equal only for the same site and id, whatever characters either holds', () => {
    fc.assert(
      fc.property(tricky, tricky, tricky, tricky, (siteA, idA, siteB, idB) => {
        const sameInput = siteA === siteB && idA === idB;
        expect(siteStream('contact-', siteA, idA) === siteStream('contact-', siteB, idB)).toBe(sameInput);
        expect(siteDocumentId(siteA, idA) === siteDocumentId(siteB, idB)).toBe(sameInput);
        expect(siteStream('labels-', siteA) === siteStream('labels-', siteB)).toBe(siteA === siteB);
      }),
      { numRuns: 5000 },
    );
  });

  it('give back the entity id, and keep the site key free of separators', () => {
    fc.assert(
      fc.property(tricky, tricky, (site, id) => {
        expect(streamEntityId(siteStream('contact-', site, id))).toBe(id);
        expect(siteKey(site)).not.toMatch(/[.:/]/);
      }),
    );
  });

  it('leave valid site ids as they are, so existing streams keep their names', () => {
    expect(siteStream('contact-', 'site-a_1', 'U')).toBe('contact-site-a_1.U');
    expect(siteDocumentId('default-site', 'custom.vip')).toBe('default-site:custom.vip');
    expect(siteKey('a.x:y/z%')).toBe('a%2Ex%3Ay%2Fz%25');
  });
});

describe('identifier rules', () => {
  it('site ids: letters, digits, - and _, 1 to 64, starting with a letter or digit', () => {
    for (const valid of ['default-site', 'a', 'A1_b-c', '0b1c2d3e-0000-4000-8000-000000000000', 'x'.repeat(64)]) expect(isSiteId(valid)).toBe(true);
    for (const invalid of ['', 'a.x', 'a:x', 'a/x', '%2E', '-a', '_a', 'x'.repeat(65), 'é', 'a x', ' a', 'a\u0000']) expect(isSiteId(invalid)).toBe(false);
  });

  it('contact ids are GUIDs', () => {
    expect(isGuid('0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab')).toBe(true);
    expect(isGuid('0B1C2D3E-AAAA-4BBB-8CCC-0123456789AB')).toBe(true);
    for (const invalid of ['', 'x.0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab', '0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab ', '0b1c2d3eaaaa4bbb8ccc0123456789ab', 'nope']) {
      expect(isGuid(invalid)).toBe(false);
    }
  });

  it('label and field keys are <namespace>.<name>', () => {
    for (const valid of ['custom.vip', 'contacts.contacted-me', 'members.membershipStatus', 'emailSubscriptions.effectiveEmail', 'custom.shoe-size-1']) {
      expect(isDefinitionKey(valid)).toBe(true);
    }
    for (const invalid of ['', 'vip', 'custom.', '.vip', 'custom..vip', 'x:custom.vip', 'custom/vip', 'custom.v ip', `custom.${'a'.repeat(100)}`]) {
      expect(isDefinitionKey(invalid)).toBe(false);
    }
  });
});
