import { FieldTable, STRING_OPS, COMPARISON, ARRAY_OPS, resolvePaging, translateFilter, translateSort, resolveProjection, project } from './index';

const table: FieldTable = {
  fields: {
    id: { path: 'state.id', kind: 'string', operators: ['$eq', '$ne', '$in', '$nin', '$exists'] },
    'info.name.first': { path: 'state.info.name.first', kind: 'string', operators: STRING_OPS, sortable: true },
    createdDate: { path: 'state.createdDate', kind: 'date', operators: COMPARISON, sortable: true },
    'info.labelKeys': { path: 'state.info.labelKeys.items', kind: 'array', operators: ARRAY_OPS },
  },
};

describe('translateFilter', () => {
  it('maps bare values to $eq and fields to read-model paths', () => {
    expect(translateFilter({ 'info.name.first': 'Ada' }, table)).toEqual({ 'state.info.name.first': { $eq: 'Ada' } });
  });

  it('translates $startsWith to a case-insensitive anchored regex, escaping the text', () => {
    expect(translateFilter({ 'info.name.first': { $startsWith: 'a.(' } }, table)).toEqual({
      'state.info.name.first': { $regex: '^a\\.\\(', $options: 'i' },
    });
  });

  it('normalizes date values to ISO strings and refuses non-dates', () => {
    expect(translateFilter({ createdDate: { $gte: '2026-01-01', $lt: '2026-02-01T00:00:00Z' } }, table)).toEqual({
      $and: [{ 'state.createdDate': { $gte: '2026-01-01T00:00:00.000Z' } }, { 'state.createdDate': { $lt: '2026-02-01T00:00:00.000Z' } }],
    });
    expect(() => translateFilter({ createdDate: { $gt: 'yesterday' } }, table)).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
  });

  it('maps $hasSome/$hasAll to $in/$all and keeps $in/$nin', () => {
    expect(translateFilter({ 'info.labelKeys': { $hasAll: ['a', 'b'] }, id: { $in: ['1'] } }, table)).toEqual({
      $and: [{ 'state.info.labelKeys.items': { $all: ['a', 'b'] } }, { 'state.id': { $in: ['1'] } }],
    });
  });

  it('supports $and, $or and $not', () => {
    expect(translateFilter({ $or: [{ id: '1' }, { $not: { id: '2' } }] }, table)).toEqual({
      $or: [{ 'state.id': { $eq: '1' } }, { $nor: [{ 'state.id': { $eq: '2' } }] }],
    });
  });

  it('treats $exists:false as missing or empty', () => {
    expect(translateFilter({ id: { $exists: false } }, table)).toEqual({
      $or: [{ 'state.id': { $exists: false } }, { 'state.id': { $in: [null, []] } }],
    });
  });

  it('names the field or operator it refuses', () => {
    expect(() => translateFilter({ 'info.secret': 'x' }, table)).toThrow(/info\.secret/);
    expect(() => translateFilter({ createdDate: { $startsWith: '2' } }, table)).toThrow(/\$startsWith/);
    expect(() => translateFilter({ $where: 'x' }, table)).toThrow(/\$where/);
  });
});

describe('translateSort and paging', () => {
  it('defaults, tie-breaks on id, and refuses unsortable fields', () => {
    expect(translateSort(undefined, table, { 'state.createdDate': -1 }, '_id')).toEqual({ 'state.createdDate': -1, _id: -1 });
    expect(translateSort([{ fieldName: 'info.name.first', order: 'DESC' }], table, {}, '_id')).toEqual({ 'state.info.name.first': -1, _id: -1 });
    expect(() => translateSort([{ fieldName: 'id' }], table, {}, '_id')).toThrow(/cannot sort by id/);
    expect(() => translateSort([{ fieldName: 'createdDate' }, { fieldName: 'info.name.first' }], table, {}, '_id')).toThrow();
  });

  it('applies paging defaults and limits', () => {
    expect(resolvePaging(undefined, { limit: 50, max: 1000 })).toEqual({ limit: 50, offset: 0 });
    expect(resolvePaging({ limit: '10', offset: '20' }, { limit: 50, max: 1000 })).toEqual({ limit: 10, offset: 20 });
    expect(() => resolvePaging({ offset: 2.5e269 }, { limit: 50, max: 1000 })).toThrow('paging.offset: must be an integer from 0 to 9007199254740991');
    expect(() => resolvePaging({ limit: 1001 }, { limit: 50, max: 1000 })).toThrow(/paging.limit/);
    expect(() => resolvePaging({ offset: -1 }, { limit: 50, max: 1000 })).toThrow(/paging.offset/);
  });
});

describe('projection', () => {
  const rules = { fieldsets: { BASIC: ['info.name'], FULL: 'ALL' as const }, fields: ['info.company', 'info.name'], always: ['id'], defaultFieldset: 'FULL' };
  const value = { id: '1', revision: 2, info: { name: { first: 'A' }, company: 'C' } };

  it('returns everything by default and the union of fieldsets and fields otherwise', () => {
    expect(project(value, resolveProjection(rules, undefined, undefined))).toEqual(value);
    expect(project(value, resolveProjection(rules, ['BASIC'], ['info.company']))).toEqual({ id: '1', info: { name: { first: 'A' }, company: 'C' } });
    expect(() => resolveProjection(rules, ['NOPE'], undefined)).toThrow(/NOPE/);
  });
});

describe('fields compared on a lowercased copy', () => {
  const emails: FieldTable = {
    fields: {
      email: { path: 'state.emails', lowercasedPath: 'lowercased.emails', kind: 'string', operators: STRING_OPS, sortable: true },
    },
  };

  it('compares $eq, $ne, $in and $nin there, with the values lowercased', () => {
    expect(translateFilter({ email: 'Ada@X.com' }, emails)).toEqual({ 'lowercased.emails': { $eq: 'ada@x.com' } });
    expect(translateFilter({ email: { $ne: 'Ada@X.com' } }, emails)).toEqual({ 'lowercased.emails': { $ne: 'ada@x.com' } });
    expect(translateFilter({ email: { $in: ['A@X.com', null] } }, emails)).toEqual({ 'lowercased.emails': { $in: ['a@x.com', null] } });
    expect(translateFilter({ email: { $nin: ['B@X.com'] } }, emails)).toEqual({ 'lowercased.emails': { $nin: ['b@x.com'] } });
  });

  it('turns $startsWith into an anchored, case-sensitive prefix of the lowercased copy (which an index serves)', () => {
    expect(translateFilter({ email: { $startsWith: 'Ada.' } }, emails)).toEqual({ 'lowercased.emails': { $regex: '^ada\\.' } });
  });

  it('keeps the original path for $exists and sorting', () => {
    expect(translateFilter({ email: { $exists: true } }, emails)).toEqual({ 'state.emails': { $exists: true, $nin: [null, []] } });
    expect(translateSort([{ fieldName: 'email', order: 'ASC' }], emails, {}, '_id')).toEqual({ 'state.emails': 1, _id: 1 });
  });
});
