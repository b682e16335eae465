import { AppError } from '@cp/errors';
import { createContact, fold, isValidEmail, normalizeInfoPatch, toContactView } from './index';
import { MAX_TEXT_LENGTH } from './limits';

let n = 0;
const newId = () => `item-${++n}`;

/** The fields a refusal names; fails when the input is accepted. */
function refusedFields(info: Record<string, unknown>): string[] {
  try {
    normalizeInfoPatch(info, undefined, newId);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).violations.map((v) => v.field);
  }
  throw new Error(`accepted ${JSON.stringify(info)}`);
}

describe('normalizeInfoPatch refuses what it cannot store', () => {
  it('refuses a collection of the wrong shape instead of reading it as empty', () => {
    expect(refusedFields({ labelKeys: 'custom.x' })).toEqual(['info.labelKeys']);
    expect(refusedFields({ emails: 'ada@example.com' })).toEqual(['info.emails']);
    expect(refusedFields({ locations: 7 })).toEqual(['info.locations']);
    expect(refusedFields({ phones: { items: '+14155550100' } })).toEqual(['info.phones.items']);
    expect(refusedFields({ emails: { itemz: [{ email: 'a@x.io' }] } })).toEqual(['info.emails.itemz']);
    expect(refusedFields({ extendedFields: 'x' })).toEqual(['info.extendedFields']);
    expect(refusedFields({ extendedFields: { values: { 'custom.a': 1 } } })).toEqual(['info.extendedFields.values']);
  });

  it('still reads a bare list as the items of a collection', () => {
    expect(normalizeInfoPatch({ labelKeys: ['custom.a'] }, undefined, newId).labelKeys).toEqual({ items: ['custom.a'] });
  });

  it('names unknown keys inside name, email, phone and address items', () => {
    expect(
      refusedFields({
        name: { first: 'Ada', middle: 'B' },
        emails: { items: [{ email: 'a@x.io', foo: 1 }] },
        phones: { items: [{ phone: '+14155550100', extension: '12' }] },
        addresses: { items: [{ address: { city: 'London', street: 'Baker' }, kind: 'x' }, { address: { streetAddress: { name: 'Baker', floor: 2 } } }] },
      }).sort(),
    ).toEqual([
      'info.addresses.items[0].address.street',
      'info.addresses.items[0].kind',
      'info.addresses.items[1].address.streetAddress.floor',
      'info.emails.items[0].foo',
      'info.name.middle',
      'info.phones.items[0].extension',
    ]);
  });

  it('refuses values of the wrong type that it used to ignore', () => {
    expect(
      refusedFields({
        emails: { items: [{ email: 'a@x.io', primary: 'yes' }] },
        phones: { items: [{ phone: '+14155550100', id: 5 }] },
        addresses: { items: [{ address: { city: 'X', geocode: 'here', streetAddress: 'Baker 1' } }] },
        picture: { image: 'https://x.io/a.png', imageProvider: 3 },
      }).sort(),
    ).toEqual([
      'info.addresses.items[0].address.geocode',
      'info.addresses.items[0].address.streetAddress',
      'info.emails.items[0].primary',
      'info.phones.items[0].id',
      'info.picture.imageProvider',
    ]);
  });

  it('refuses control characters in emails, phones and text', () => {
    expect(refusedFields({ emails: { items: [{ email: 'ada\u0000@example.com' }] } })).toEqual(['info.emails.items[0].email']);
    expect(refusedFields({ emails: { items: [{ email: 'ada@exa\u0085mple.com' }] } })).toEqual(['info.emails.items[0].email']);
    expect(refusedFields({ phones: { items: [{ phone: '+1415555\u00000100' }] } })).toEqual(['info.phones.items[0].phone']);
    expect(refusedFields({ name: { first: 'A\u0000da' } })).toEqual(['info.name.first']);
    expect(refusedFields({ company: 'Acme\u001b[31m' })).toEqual(['info.company']);
    expect(refusedFields({ labelKeys: { items: ['custom.\u0000x'] } })).toEqual(['info.labelKeys.items[0]']);
    expect(refusedFields({ extendedFields: { items: { 'custom.note': 'a\u0007b' } } })).toEqual(['info.extendedFields.items.custom.note']);
    // Line breaks and tabs are text, not controls.
    expect(normalizeInfoPatch({ addresses: { items: [{ address: { addressLine2: 'Floor 2\nSuite 4' } }] } }, undefined, newId).addresses).toBeDefined();
  });

  it('accepts a contact it returned, derived read-only keys included', () => {
    const info = {
      name: { first: 'Ada', last: 'Lovelace' },
      emails: { items: [{ email: 'ada@example.com', tag: 'WORK' }] },
      phones: { items: [{ phone: '(415) 555-0100', countryCode: 'US' }] },
      addresses: { items: [{ tag: 'HOME', address: { addressLine: '1 Main St', city: 'SF', country: 'US', geocode: { latitude: 1, longitude: 2 } } }] },
      picture: { image: { id: 'img', url: 'https://x.io/a.png', height: 10, width: 10 } },
      company: 'Engines',
    };
    const state = fold(createContact(undefined, { contactId: 'c1', info }, newId).map((e) => ({ ...e, occurredAt: '2026-01-01T00:00:00.000Z' })))!;
    const read = toContactView(state).info as unknown as Record<string, unknown>;
    expect(read.phones).toMatchObject({ items: [{ e164Phone: '+14155550100', formattedPhone: expect.any(String) }] });
    // What Wix itself returns on items, which a migrated client may send back.
    const wixExtras = {
      ...read,
      emails: { items: [{ ...(read.emails as { items: object[] }).items[0], subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'NOT_SET' }] },
      addresses: { items: [{ ...(read.addresses as { items: { address: object }[] }).items[0], address: { ...(read.addresses as { items: { address: object }[] }).items[0].address, countryFullname: 'United States', location: { latitude: 1, longitude: 2 } } }] },
    };
    const patch = normalizeInfoPatch(wixExtras, state.info, newId);
    expect(patch.emails).toEqual(state.info.emails);
    expect(patch.phones).toEqual(state.info.phones);
    expect(patch.addresses).toEqual(state.info.addresses);
  });
});

describe('normalizeInfoPatch normalizes what it keeps', () => {
  it('trims text and returns keys sent null or empty as undefined, so that an update clears them', () => {
    const patch = normalizeInfoPatch(
      { company: '  Engines  ', jobTitle: '   ', locale: null, birthdate: '', labelKeys: { items: [] }, extendedFields: { items: { 'custom.note': '' } } },
      undefined,
      newId,
    );
    expect(patch.company).toBe('Engines');
    // Present but undefined: the update removes them. Keys not sent stay out of the patch.
    expect(Object.keys(patch).sort()).toEqual(['birthdate', 'company', 'extendedFields', 'jobTitle', 'labelKeys', 'locale']);
    expect([patch.jobTitle, patch.locale, patch.birthdate, patch.labelKeys, patch.extendedFields]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('keeps an address given twice once, compared case-insensitively, and each label key once', () => {
    const patch = normalizeInfoPatch({ emails: { items: [{ email: ' Ada@example.com ' }, { email: 'ada@EXAMPLE.com' }, { email: 'augusta@example.com' }] }, labelKeys: ['custom.a', 'custom.a', 'custom.b'] }, undefined, newId);
    expect((patch.emails as { items: { email: string; primary: boolean }[] }).items.map((e) => [e.email, e.primary])).toEqual([
      ['Ada@example.com', true],
      ['augusta@example.com', false],
    ]);
    expect(patch.labelKeys).toEqual({ items: ['custom.a', 'custom.b'] });
  });

  it('names every problem at once, unknown info fields and over-long text included', () => {
    expect(
      refusedFields({
        nickname: 'Ada',
        company: 'x'.repeat(MAX_TEXT_LENGTH + 1),
        birthdate: '1990-13-01',
        emails: { items: [{ email: 'ada@example' }] },
        phones: { items: [{ phone: 'no digits' }, { phone: '+14155550100', countryCode: 'USA' }] },
      }).sort(),
    ).toEqual(['info.birthdate', 'info.company', 'info.emails.items[0].email', 'info.nickname', 'info.phones.items[0].phone', 'info.phones.items[1].countryCode']);
  });

  it('reads addressLine1 as addressLine and uppercases the country; refuses an empty address, both street forms, or a geocode off the globe', () => {
    const patch = normalizeInfoPatch({ addresses: [{ address: { addressLine1: ' 12 St James Sq ', country: 'gb' } }] }, undefined, newId);
    expect(patch.addresses).toEqual({ items: [{ id: expect.any(String), tag: 'UNTAGGED', address: { addressLine: '12 St James Sq', country: 'GB' } }] });
    expect(
      refusedFields({
        addresses: [{ address: { city: '  ' } }, { address: { addressLine: '1 Main St', streetAddress: { number: '1', name: 'Main St' } } }, { address: { geocode: { latitude: 91, longitude: 0 } } }],
      }),
    ).toEqual(['info.addresses.items[0].address', 'info.addresses.items[1].address', 'info.addresses.items[2].address.geocode', 'info.addresses.items[2].address']);
  });
});

describe('isValidEmail', () => {
  it('takes an address with a local part, an @ and a dotted domain, up to 254 characters', () => {
    expect(isValidEmail('ada@example.com')).toBe(true);
    expect(isValidEmail(`${'a'.repeat(64)}@${'b'.repeat(185)}.com`)).toBe(true);
    for (const refused of ['ada@example', 'ada.example.com', 'ada lovelace@example.com', '<ada>@example.com', 'ada@@example.com', `${'a'.repeat(64)}@${'b'.repeat(186)}.com`]) {
      expect([refused, isValidEmail(refused)]).toEqual([refused, false]);
    }
  });
});
