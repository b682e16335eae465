import { Query } from 'mingo';
import { anchorOf, reversedSort, rowsAfter } from './keyset';
import { decodeCursor, encodeCursor } from './cursor';
import { MongoSort } from './translate';

type Row = { _id: string; seq: number; name?: string | null; n?: number };

/** MongoDB's order (mingo): the oracle the walk must agree with. */
function sorted(rows: Row[], sort: MongoSort, filter: Record<string, unknown> = {}): Row[] {
  return new Query(filter).find(rows).sort(sort).all() as Row[];
}

/** Every row, page by page: each page the first `limit` rows of the segments after the last row seen. */
function walk(rows: Row[], sort: MongoSort, limit: number): string[] {
  const seen: string[] = [];
  let page = sorted(rows, sort).slice(0, limit);
  while (page.length > 0) {
    seen.push(...page.map((row) => row._id));
    const anchor = anchorOf(page[page.length - 1], sort);
    page = rowsAfter(sort, anchor).flatMap((segment) => sorted(rows, sort, segment)).slice(0, limit);
  }
  return seen;
}

describe('keyset paging', () => {
  // A small seeded generator: the same rows every run, with ties, nulls and missing fields.
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const names = ['ada', 'Ada', 'alan', 'grace', 'édouard', ''];
  const rows: Row[] = Array.from({ length: 120 }, (_, i) => {
    const pick = random();
    const row: Row = { _id: `r${i}`, seq: 1000 - i * 3, n: Math.floor(random() * 5) };
    if (pick < 0.7) row.name = names[Math.floor(random() * names.length)];
    else if (pick < 0.85) row.name = null;
    return row;
  });

  it.each([
    [{ name: 1, seq: 1 } as MongoSort],
    [{ name: -1, seq: -1 } as MongoSort],
    [{ n: 1, seq: 1 } as MongoSort],
    [{ n: -1, seq: -1 } as MongoSort],
  ])('walks every row once, in order, by %j', (sort) => {
    const all = sorted(rows, sort).map((row) => row._id);
    for (const limit of [1, 7, 50, 200]) expect(walk(rows, sort, limit)).toEqual(all);
  });

  it('walks backwards from a row by the reversed sort', () => {
    const sort: MongoSort = { name: -1, seq: -1 };
    const all = sorted(rows, sort);
    const from = all[90];
    const before = rowsAfter(reversedSort(sort), anchorOf(from, sort)).flatMap((segment) => sorted(rows, reversedSort(sort), segment));
    expect(before.map((row) => row._id)).toEqual(all.slice(0, 90).reverse().map((row) => row._id));
  });

  it('refuses a sort that is not a field and a tiebreaker in one direction', () => {
    expect(() => rowsAfter({ name: 1 }, { value: 'a', tiebreaker: 1 })).toThrow(/tiebreaker/);
    expect(() => rowsAfter({ name: 1, seq: -1 }, { value: 'a', tiebreaker: 1 })).toThrow(/one direction/);
  });
});

describe('paging cursors', () => {
  it('carry the query, the anchor and the direction', () => {
    const state = { query: { filter: { 'info.name.first': 'Ada' } }, anchor: { value: null, tiebreaker: 12 }, direction: 'prev' as const };
    expect(decodeCursor(encodeCursor(state), 'cursorPaging.cursor')).toEqual(state);
  });

  it.each(['', 'not a cursor', Buffer.from('{"v":2,"q":{},"a":[1,2],"d":"n"}').toString('base64url'), Buffer.from('{"v":1,"q":{},"a":[{},2],"d":"n"}').toString('base64url')])(
    'refuse %j as invalid, naming the field',
    (text) => {
      expect(() => decodeCursor(text, 'cursorPaging.cursor')).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT', message: expect.stringContaining('cursorPaging.cursor') }));
    },
  );
});
