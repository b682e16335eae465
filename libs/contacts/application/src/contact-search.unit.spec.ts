import { normalizePhoneNumber } from '@cp/contacts-domain';
import { Query } from 'mingo';
import { queryWords, searchFilter, searchTokensOf } from './contact-search';

describe('contact search', () => {
  const phone = (typed: string, country?: string) => ({ ...normalizePhoneNumber(typed, country) });
  const ada = {
    name: { first: 'Ada', last: 'Lovelace' },
    emails: { items: [{ email: 'Ada.King@Example.com' }] },
    phones: { items: [phone('+1 (415) 555-0101')] },
    company: 'Analytical Engines',
    jobTitle: 'Mathematician',
  };
  const edouard = { name: { first: 'Édouard', last: 'Lucas' }, phones: { items: [phone('06 12 34 56 78', 'FR')] } };
  const unparsed = { name: { first: 'Unparsed' }, phones: { items: [{ phone: '12-34' }] } };
  const people = [
    { _id: 'ada', searchTokens: searchTokensOf(ada) },
    { _id: 'edouard', searchTokens: searchTokensOf(edouard) },
    { _id: 'unparsed', searchTokens: searchTokensOf(unparsed) },
  ];
  const found = (search: string) => new Query(searchFilter(search)).find(people).all().map((doc) => doc._id);

  it('keeps the words of names, emails, company and job title, lowercased and without accents', () => {
    expect(searchTokensOf(ada)).toEqual(expect.arrayContaining(['ada', 'lovelace', 'king', 'example', 'com', 'analytical', 'engines', 'mathematician']));
    expect(searchTokensOf(edouard)).toEqual(expect.arrayContaining(['edouard', 'lucas']));
  });

  it('keeps a phone as typed, in E.164, as a national number and by its last 7 and 4 digits', () => {
    expect(searchTokensOf(ada)).toEqual(expect.arrayContaining(['14155550101', '4155550101', '5550101', '0101']));
    expect(searchTokensOf(edouard)).toEqual(expect.arrayContaining(['0612345678', '33612345678', '612345678', '2345678', '5678']));
  });

  it.each([
    ['Ada Lovelace', ['ada']],
    ['lovelace', ['ada']],
    ['LOVEL', ['ada']],
    ['lovelace ada', ['ada']],
    ['ada.king@example.com', ['ada']],
    ['analytical eng', ['ada']],
    ['edouard', ['edouard']],
    ['ÉDOUARD luc', ['edouard']],
    ['+1 (415) 555-0101', ['ada']],
    ['4155550101', ['ada']],
    ['555-0101', ['ada']],
    ['0101', ['ada']],
    ['+33 6 12 34 56 78', ['edouard']],
    ['06 12 34 56 78', ['edouard']],
    ['1234', ['unparsed']],
    ['ada edouard', []],
    ['ovelace', []],
    ['--', []],
  ])('%s finds %j', (search, ids) => {
    expect(found(search)).toEqual(ids);
  });

  it('drops query words that a longer one starts with, and tries the longest first', () => {
    expect(queryWords('a ada lovelace lo')).toEqual(['lovelace', 'ada']);
  });

  it('refuses a search longer than 100 characters', () => {
    expect(() => searchFilter('x'.repeat(101))).toThrow(/search/);
  });
});
