import { checkMapping, mapRow, resolveMapping } from './import-mapping';
import { normalizeInfoPatch } from './normalize-info';

describe('resolveMapping recognises export headers', () => {
  it('recognises a Wix contacts export', () => {
    const headers = ['First Name', 'Last Name', 'Email 1', 'Email 2', 'Phone 1', 'Phone 2', 'Company', 'Position', 'Birthdate', 'Labels', 'Address', 'City', 'State', 'Zip', 'Country', 'Email subscriber status', 'Created At (UTC+0)'];
    expect(resolveMapping(headers)).toEqual({
      'First Name': 'name.first',
      'Last Name': 'name.last',
      'Email 1': 'email',
      'Email 2': 'email',
      'Phone 1': 'phone',
      'Phone 2': 'phone',
      Company: 'company',
      Position: 'jobTitle',
      Birthdate: 'birthdate',
      Labels: 'labels',
      Address: 'address.addressLine',
      City: 'address.city',
      State: 'address.subdivision',
      Zip: 'address.postalCode',
      Country: 'address.country',
      'Email subscriber status': 'ignore',
      'Created At (UTC+0)': 'ignore',
    });
  });

  it('recognises the other Wix spellings', () => {
    expect(resolveMapping(['Email', 'Phone', 'Job Title', 'Street Address', 'Region', 'State/Region', 'Zip Code', 'Postal Code', 'Country/Region'])).toEqual({
      Email: 'email',
      Phone: 'phone',
      'Job Title': 'jobTitle',
      'Street Address': 'address.addressLine',
      Region: 'address.subdivision',
      'State/Region': 'address.subdivision',
      'Zip Code': 'address.postalCode',
      'Postal Code': 'address.postalCode',
      'Country/Region': 'address.country',
    });
  });

  it('recognises a HubSpot export', () => {
    const headers = ['Record ID', 'First Name', 'Last Name', 'Email', 'Phone Number', 'Mobile Phone Number', 'Company Name', 'Job Title', 'Street Address', 'City', 'State/Region', 'Postal Code', 'Country/Region', 'Lifecycle Stage'];
    expect(resolveMapping(headers)).toEqual({
      'Record ID': 'ignore',
      'First Name': 'name.first',
      'Last Name': 'name.last',
      Email: 'email',
      'Phone Number': 'phone',
      'Mobile Phone Number': 'phone:MOBILE',
      'Company Name': 'company',
      'Job Title': 'jobTitle',
      'Street Address': 'address.addressLine',
      City: 'address.city',
      'State/Region': 'address.subdivision',
      'Postal Code': 'address.postalCode',
      'Country/Region': 'address.country',
      'Lifecycle Stage': 'ignore',
    });
  });

  it('recognises the older Google Contacts CSV, ignoring type columns and second addresses', () => {
    const headers = [
      'Name', 'Given Name', 'Family Name', 'Birthday', 'Group Membership',
      'E-mail 1 - Type', 'E-mail 1 - Value', 'E-mail 2 - Type', 'E-mail 2 - Value', 'Phone 1 - Type', 'Phone 1 - Value',
      'Address 1 - Type', 'Address 1 - Formatted', 'Address 1 - Street', 'Address 1 - City', 'Address 1 - Region',
      'Address 1 - Postal Code', 'Address 1 - Country', 'Address 1 - Extended Address', 'Address 2 - Street',
      'Organization 1 - Type', 'Organization 1 - Name', 'Organization 1 - Title',
    ];
    expect(resolveMapping(headers)).toEqual({
      Name: 'ignore',
      'Given Name': 'name.first',
      'Family Name': 'name.last',
      Birthday: 'birthdate',
      'Group Membership': 'labels',
      'E-mail 1 - Type': 'ignore',
      'E-mail 1 - Value': 'email',
      'E-mail 2 - Type': 'ignore',
      'E-mail 2 - Value': 'email',
      'Phone 1 - Type': 'ignore',
      'Phone 1 - Value': 'phone',
      'Address 1 - Type': 'ignore',
      'Address 1 - Formatted': 'ignore',
      'Address 1 - Street': 'address.addressLine',
      'Address 1 - City': 'address.city',
      'Address 1 - Region': 'address.subdivision',
      'Address 1 - Postal Code': 'address.postalCode',
      'Address 1 - Country': 'address.country',
      'Address 1 - Extended Address': 'address.addressLine2',
      'Address 2 - Street': 'ignore',
      'Organization 1 - Type': 'ignore',
      'Organization 1 - Name': 'company',
      'Organization 1 - Title': 'jobTitle',
    });
  });

  it('recognises the current Google Contacts CSV', () => {
    const headers = ['First Name', 'Middle Name', 'Last Name', 'Birthday', 'Labels', 'E-mail 1 - Label', 'E-mail 1 - Value', 'E-mail 3 - Value', 'Phone 1 - Label', 'Phone 1 - Value', 'Organization Name', 'Organization Title'];
    expect(resolveMapping(headers)).toEqual({
      'First Name': 'name.first',
      'Middle Name': 'ignore',
      'Last Name': 'name.last',
      Birthday: 'birthdate',
      Labels: 'labels',
      'E-mail 1 - Label': 'ignore',
      'E-mail 1 - Value': 'email',
      'E-mail 3 - Value': 'email',
      'Phone 1 - Label': 'ignore',
      'Phone 1 - Value': 'phone',
      'Organization Name': 'company',
      'Organization Title': 'jobTitle',
    });
  });

  it('ignores case, surrounding spaces and runs of spaces, underscores and hyphens', () => {
    expect(resolveMapping([' first_name ', 'LAST--NAME', 'e_mail 2 -  value', 'Zip   code'])).toEqual({
      ' first_name ': 'name.first',
      'LAST--NAME': 'name.last',
      'e_mail 2 -  value': 'email',
      'Zip   code': 'address.postalCode',
    });
  });

  it('gives the columns an explicit mapping names its targets, and recognises the others by their headers', () => {
    const explicit = { Email: 'email:WORK', Notes: 'extendedField:custom.notes', City: 'ignore', 'Not In File': 'company' };
    expect(resolveMapping(['First Name', 'Email', 'Notes', 'City', 'Shoe size'], explicit)).toEqual({
      'First Name': 'name.first',
      Email: 'email:WORK',
      Notes: 'extendedField:custom.notes',
      City: 'ignore',
      'Shoe size': 'ignore',
    });
  });

  it('keeps a header named like an Object property as an ordinary column', () => {
    const mapping = resolveMapping(['__proto__', 'constructor']);
    expect(Object.keys(mapping)).toEqual(['__proto__', 'constructor']);
    expect(Object.values(mapping)).toEqual(['ignore', 'ignore']);
  });
});

describe('checkMapping', () => {
  it('accepts every form of the grammar', () => {
    const mapping = {
      a: 'name.first', b: 'name.last', c: 'company', d: 'jobTitle', e: 'birthdate', f: 'email', g: 'email:WORK', h: 'phone', i: 'phone:FAX',
      j: 'address.addressLine', k: 'address:SHIPPING.postalCode', l: 'address:HOME.addressLine2', m: 'labels', n: 'extendedField:Shoe size', o: 'ignore',
    };
    expect(checkMapping(mapping)).toEqual([]);
  });

  it('refuses bad targets, naming the column', () => {
    const mapping = {
      Email: 'email:NOPE',
      Mobile: 'phone:mobile',
      Street: 'address.street',
      Where: 'address:OFFICE.city',
      Custom: 'extendedField: ',
      Other: 'foo',
      Name: 'Name.first',
    };
    expect(checkMapping(mapping)).toEqual([
      { column: 'Email', description: '"email:NOPE" has an unknown email tag; use one of UNTAGGED, MAIN, HOME, WORK' },
      { column: 'Mobile', description: '"phone:mobile" has an unknown phone tag; use one of UNTAGGED, MAIN, HOME, MOBILE, WORK, FAX' },
      { column: 'Street', description: '"address.street" has an unknown address part; use one of addressLine, addressLine2, city, subdivision, postalCode, country' },
      { column: 'Where', description: '"address:OFFICE.city" has an unknown address tag; use one of UNTAGGED, HOME, WORK, BILLING, SHIPPING' },
      { column: 'Custom', description: '"extendedField: " names no extended field' },
      { column: 'Other', description: '"foo" is not an import target' },
      { column: 'Name', description: '"Name.first" is not an import target' },
    ]);
  });

  it('refuses a target that is not a string (the mapping comes from a request body)', () => {
    expect(checkMapping({ Email: 3 as unknown as string })).toEqual([{ column: 'Email', description: 'the target must be a string' }]);
  });

  it('names columns absent from the file only when the headers are given', () => {
    const mapping = { Email: 'email', Fax: 'phone:FAX' };
    expect(checkMapping(mapping)).toEqual([]);
    expect(checkMapping(mapping, ['Email', 'Phone'])).toEqual([{ column: 'Fax', description: 'is not a column of the file' }]);
  });
});

describe('mapRow', () => {
  it('maps a Wix row: trimmed cells, empty ones skipped, emails in column order', () => {
    const row = { 'First Name': ' Ada ', 'Last Name': '', 'Email 1': 'ada@example.com', 'Email 2': ' ada@work.example ', 'Phone 1': '  ', Company: 'Analytical Engines', Position: 'Engineer', Birthdate: '1815-12-10', Labels: 'VIP; Customers,vip', Notes: 'ignored' };
    const mapping = resolveMapping(Object.keys(row));
    expect(mapRow(row, mapping)).toEqual({
      info: {
        name: { first: 'Ada' },
        emails: { items: [{ email: 'ada@example.com', tag: 'UNTAGGED' }, { email: 'ada@work.example', tag: 'UNTAGGED' }] },
        company: 'Analytical Engines',
        jobTitle: 'Engineer',
        birthdate: '1815-12-10',
      },
      labels: ['VIP', 'Customers'],
      extendedFields: [],
    });
  });

  it('maps a HubSpot row with a tagged mobile phone and an address built from parts', () => {
    const row = { 'First Name': 'Grace', 'Last Name': 'Hopper', Email: 'grace@example.com', 'Phone Number': '+1 415 555 0100', 'Mobile Phone Number': '+1 415 555 0199', 'Street Address': '1 Navy Way', City: 'Arlington', 'State/Region': 'VA', 'Postal Code': '22202', 'Country/Region': 'US' };
    expect(mapRow(row, resolveMapping(Object.keys(row)))).toEqual({
      info: {
        name: { first: 'Grace', last: 'Hopper' },
        emails: { items: [{ email: 'grace@example.com', tag: 'UNTAGGED' }] },
        phones: { items: [{ phone: '+1 415 555 0100', tag: 'UNTAGGED' }, { phone: '+1 415 555 0199', tag: 'MOBILE' }] },
        addresses: { items: [{ tag: 'UNTAGGED', address: { addressLine: '1 Navy Way', city: 'Arlington', subdivision: 'VA', postalCode: '22202', country: 'US' } }] },
      },
      labels: [],
      extendedFields: [],
    });
  });

  it("maps a Google row: splits ' ::: ' values, drops system groups and a birthday without a year", () => {
    const row = {
      'Given Name': 'Alan',
      'Family Name': 'Turing',
      Birthday: '--06-23',
      'Group Membership': '* myContacts ::: Friends ::: * starred ::: Colleagues',
      'E-mail 1 - Type': '* Home',
      'E-mail 1 - Value': 'alan@example.com ::: turing@example.org',
      'E-mail 2 - Value': 'alan@work.example',
      'Phone 1 - Value': '+44 20 7946 0000 ::: +44 20 7946 0001',
      'Address 1 - Street': 'Bletchley Park',
      'Address 1 - City': 'Milton Keynes',
      'Organization 1 - Name': 'GC&CS',
    };
    expect(mapRow(row, resolveMapping(Object.keys(row)))).toEqual({
      info: {
        name: { first: 'Alan', last: 'Turing' },
        emails: {
          items: [
            { email: 'alan@example.com', tag: 'UNTAGGED' },
            { email: 'turing@example.org', tag: 'UNTAGGED' },
            { email: 'alan@work.example', tag: 'UNTAGGED' },
          ],
        },
        phones: { items: [{ phone: '+44 20 7946 0000', tag: 'UNTAGGED' }, { phone: '+44 20 7946 0001', tag: 'UNTAGGED' }] },
        addresses: { items: [{ tag: 'UNTAGGED', address: { addressLine: 'Bletchley Park', city: 'Milton Keynes' } }] },
        company: 'GC&CS',
      },
      labels: ['Friends', 'Colleagues'],
      extendedFields: [],
    });
  });

  it('applies explicit tags, groups address parts by tag in column order and passes extended fields through', () => {
    const mapping = {
      Work: 'email:WORK',
      Home: 'email:HOME',
      Fax: 'phone:FAX',
      'Ship street': 'address:SHIPPING.addressLine',
      'Bill city': 'address:BILLING.city',
      'Ship city': 'address:SHIPPING.city',
      'Ship country': 'address:SHIPPING.country',
      Size: 'extendedField:Shoe size',
      Tier: 'extendedField:custom.tier',
      Skip: 'ignore',
    };
    const row = { Work: 'w@example.com', Home: 'h@example.com', Fax: '+1 555 0100', 'Ship street': 'Dock 4', 'Bill city': 'Paris', 'Ship city': 'Le Havre', 'Ship country': 'FR', Size: '42', Tier: ' gold ', Skip: 'x' };
    expect(mapRow(row, mapping)).toEqual({
      info: {
        emails: { items: [{ email: 'w@example.com', tag: 'WORK' }, { email: 'h@example.com', tag: 'HOME' }] },
        phones: { items: [{ phone: '+1 555 0100', tag: 'FAX' }] },
        addresses: {
          items: [
            { tag: 'SHIPPING', address: { addressLine: 'Dock 4', city: 'Le Havre', country: 'FR' } },
            { tag: 'BILLING', address: { city: 'Paris' } },
          ],
        },
      },
      labels: [],
      extendedFields: [
        { ref: 'Shoe size', value: '42' },
        { ref: 'custom.tier', value: 'gold' },
      ],
    });
  });

  it('splits labels on ";", "," and " ::: " and de-duplicates them ignoring case, keeping the first spelling', () => {
    const mapping = { Labels: 'labels', Groups: 'labels' };
    const row = { Labels: 'Friends; family ,, VIP ;', Groups: 'Family ::: vip ::: Golf' };
    expect(mapRow(row, mapping)).toEqual({ info: {}, labels: ['Friends', 'family', 'VIP', 'Golf'], extendedFields: [] });
  });

  it('keeps the first non-empty cell when several columns feed one field', () => {
    const mapping = { 'First Name': 'name.first', 'Given Name': 'name.first', Address: 'address.addressLine', 'Street Address': 'address.addressLine', Company: 'company', 'Company Name': 'company' };
    const row = { 'First Name': '', 'Given Name': 'Ada', Address: '12 Main St', 'Street Address': '99 Other Rd', Company: 'A', 'Company Name': 'B' };
    expect(mapRow(row, mapping)).toEqual({
      info: { name: { first: 'Ada' }, addresses: { items: [{ tag: 'UNTAGGED', address: { addressLine: '12 Main St' } }] }, company: 'A' },
      labels: [],
      extendedFields: [],
    });
  });

  it('accepts YYYY/MM/DD and leaves other dates for the normalizer to refuse', () => {
    const mapping = { Birthdate: 'birthdate' };
    expect(mapRow({ Birthdate: '1990/04/03' }, mapping).info).toEqual({ birthdate: '1990-04-03' });
    expect(mapRow({ Birthdate: '03/04/2020' }, mapping).info).toEqual({ birthdate: '03/04/2020' });
    expect(mapRow({ Birthdate: '--04-03' }, mapping).info).toEqual({});
  });

  it('never throws on bad data: bad targets, missing and non-string cells are skipped', () => {
    const mapping = { Email: 'email:NOPE', Phone: 'phone', Missing: 'company', Count: 'jobTitle', constructor: 'labels' };
    const row = { Email: 'a@example.com', Phone: undefined, Count: 7 as unknown as string };
    expect(mapRow(row, mapping)).toEqual({ info: {}, labels: [], extendedFields: [] });
  });
});

describe('mapRow and the normalizer', () => {
  it('builds an info that normalizeInfoPatch accepts', () => {
    const row = { 'First Name': 'Ada', 'Email 1': 'ada@example.com', 'Mobile Phone Number': '+14155550100', City: 'London', Country: 'GB', Birthdate: '1815/12/10' };
    let n = 0;
    const normalized = normalizeInfoPatch(mapRow(row, resolveMapping(Object.keys(row))).info, undefined, () => `id-${++n}`);
    expect(normalized).toEqual({
      name: { first: 'Ada' },
      emails: { items: [{ id: 'id-1', tag: 'UNTAGGED', email: 'ada@example.com', primary: true }] },
      phones: { items: [{ id: 'id-2', tag: 'MOBILE', phone: '+14155550100', countryCode: 'US', e164Phone: '+14155550100', formattedPhone: '+1 415 555 0100', primary: true }] },
      addresses: { items: [{ id: 'id-3', tag: 'UNTAGGED', address: { city: 'London', country: 'GB' } }] },
      birthdate: '1815-12-10',
    });
  });
});

describe("mapRow's whole-info column (a JSON Lines export read back)", () => {
  const info = { name: { first: 'Ada' }, emails: { items: [{ id: 'e-1', email: 'ada@example.com', tag: 'WORK' }] }, labelKeys: { items: ['custom.vip'] } };

  it('takes the info keys of the JSON in a column named info; other keys are not the info', () => {
    const row = { id: 'c-1', revision: '3', info: JSON.stringify({ ...info, createdDate: '2026-01-01' }) };
    const mapping = resolveMapping(Object.keys(row));
    expect(mapping).toEqual({ id: 'ignore', revision: 'ignore', info: 'info' });
    expect(mapRow(row, mapping)).toEqual({ info, labels: [], extendedFields: [] });
  });

  it('lets the other columns win over its keys', () => {
    expect(mapRow({ info: JSON.stringify(info), First: 'Augusta' }, { info: 'info', First: 'name.first' }).info.name).toEqual({ first: 'Augusta' });
  });

  it.each([['not json'], ['[1,2]'], ['"text"'], ['null']])('refuses %j as the row\'s error, naming the column', (cell) => {
    expect(() => mapRow({ info: cell }, { info: 'info' })).toThrow(expect.objectContaining({ violations: [expect.objectContaining({ field: 'info' })] }));
  });
});
