import { conjunction } from './conjunction';

describe('conjunction', () => {
  it('writes clauses on different fields as one flat filter', () => {
    expect(conjunction([{ siteId: 's1', deleted: false }, { 'lowercased.emails': { $in: ['a@x.com'] } }])).toEqual({
      siteId: 's1',
      deleted: false,
      'lowercased.emails': { $in: ['a@x.com'] },
    });
  });

  it('flattens nested $ands and keeps $or and $nor as clauses', () => {
    const either = { $or: [{ a: 1 }, { b: 2 }] };
    expect(conjunction([{ siteId: 's1' }, { $and: [{ c: 3 }, { $and: [{ d: 4 }] }] }, either])).toEqual({ siteId: 's1', c: 3, d: 4, $or: either.$or });
  });

  it('keeps ranges in a $and, which CI\'s MongoDB-wire server reads right', () => {
    expect(conjunction([{ siteId: 's1', deleted: false }, { 'state.createdDate': { $gte: '2026-01-01' } }, { tags: { $in: ['a'] } }])).toEqual({
      siteId: 's1',
      deleted: false,
      tags: { $in: ['a'] },
      $and: [{ 'state.createdDate': { $gte: '2026-01-01' } }],
    });
  });

  it('keeps a field met twice in a $and, so that neither condition is lost', () => {
    expect(conjunction([{ siteId: 's1' }, { age: { $ne: 1 } }, { age: { $nin: [9] } }, { $or: [{ x: 1 }] }, { $or: [{ y: 1 }] }])).toEqual({
      siteId: 's1',
      age: { $ne: 1 },
      $or: [{ x: 1 }],
      $and: [{ age: { $nin: [9] } }, { $or: [{ y: 1 }] }],
    });
  });

  it('never lets a later clause replace the site an earlier one pins', () => {
    const filter = conjunction([{ siteId: 's1', deleted: false }, { siteId: 's2' }]);
    expect(filter).toEqual({ siteId: 's1', deleted: false, $and: [{ siteId: 's2' }] });
  });

  it('keeps a __proto__ field a field, not the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const filter = conjunction([{ siteId: 's1' }, parsed]);
    expect(Object.getPrototypeOf(filter)).toBe(Object.prototype);
    expect(filter.$and).toEqual([parsed]);
  });

  it('gives an empty filter for no clauses', () => {
    expect(conjunction([])).toEqual({});
    expect(conjunction([{}, {}])).toEqual({});
  });
});
