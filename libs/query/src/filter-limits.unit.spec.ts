import { AppError } from '@cp/errors';
import {
  ARRAY_OPS,
  FieldTable,
  MAX_FILTER_BYTES,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_VALUES,
  STRING_OPS,
  translateFilter,
} from './index';

const table: FieldTable = {
  fields: {
    id: { path: 'state.id', kind: 'string', operators: ['$eq', '$ne', '$in', '$nin'] },
    'info.name.first': { path: 'state.info.name.first', kind: 'string', operators: STRING_OPS },
    'info.labelKeys': { path: 'state.info.labelKeys.items', kind: 'array', operators: ARRAY_OPS },
  },
};

function violationOf(filter: unknown): { field: string; description: string; violatedRule: string } {
  try {
    translateFilter(filter, table);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).httpStatus).toBe(400);
    return (error as AppError).violations[0];
  }
  throw new Error('expected a refusal');
}

const ids = (count: number) => Array.from({ length: count }, (_, i) => `id-${i}`);

/** `$not` around `$not` ... around a condition, `levels` filter objects deep. */
function nestedNot(levels: number): Record<string, unknown> {
  let filter: Record<string, unknown> = { id: 'x' };
  for (let i = 1; i < levels; i++) filter = { $not: filter };
  return filter;
}

describe('filter limits', () => {
  it('accepts filters at every limit', () => {
    expect(() => translateFilter({ id: { $in: ids(MAX_FILTER_VALUES) } }, table)).not.toThrow();
    expect(() => translateFilter({ 'info.labelKeys': { $hasSome: ids(MAX_FILTER_VALUES) } }, table)).not.toThrow();
    expect(() => translateFilter(nestedNot(MAX_FILTER_DEPTH), table)).not.toThrow();
    expect(() => translateFilter({ $or: ids(MAX_FILTER_CONDITIONS).map((id) => ({ id })) }, table)).not.toThrow();
  });

  it.each(['$in', '$nin'])('refuses %s with more values than the limit, naming the field and the limit', (operator) => {
    expect(violationOf({ id: { [operator]: ids(MAX_FILTER_VALUES + 1) } })).toEqual({
      field: `filter.id.${operator}`,
      description: `${operator} takes at most ${MAX_FILTER_VALUES} values`,
      violatedRule: 'MAX_SIZE',
    });
  });

  it.each(['$hasSome', '$hasAll'])('refuses %s with more values than the limit', (operator) => {
    expect(violationOf({ $and: [{ 'info.labelKeys': { [operator]: ids(MAX_FILTER_VALUES + 1) } }] })).toMatchObject({
      field: `filter.$and[0].info.labelKeys.${operator}`,
      violatedRule: 'MAX_SIZE',
    });
  });

  it('refuses more conditions than the limit, in $or, $and or side by side', () => {
    const tooMany = ids(MAX_FILTER_CONDITIONS + 1).map((id) => ({ id }));
    expect(violationOf({ $or: tooMany })).toMatchObject({ field: 'filter', violatedRule: 'MAX_SIZE', description: expect.stringContaining(`${MAX_FILTER_CONDITIONS} conditions`) });
    expect(violationOf({ $and: [{ $or: tooMany.slice(0, 150) }, { $or: tooMany.slice(150) }] })).toMatchObject({ field: 'filter', violatedRule: 'MAX_SIZE' });
    expect(violationOf({ $or: Array.from({ length: MAX_FILTER_CONDITIONS + 1 }, () => ({})) })).toMatchObject({ violatedRule: 'MAX_SIZE' });
    const operators = Object.fromEntries(ids(MAX_FILTER_CONDITIONS + 1).map((id, i) => [`$x${i}`, id]));
    expect(violationOf({ id: operators })).toMatchObject({ field: 'filter', violatedRule: 'MAX_SIZE' });
  });

  it('refuses filters nested deeper than the limit, naming where', () => {
    expect(violationOf(nestedNot(MAX_FILTER_DEPTH + 1))).toMatchObject({
      field: `filter${'.$not'.repeat(MAX_FILTER_DEPTH)}`,
      violatedRule: 'MAX_DEPTH',
      description: expect.stringContaining(`${MAX_FILTER_DEPTH} levels`),
    });
    let mixed: Record<string, unknown> = { id: 'x' };
    for (let i = 0; i < MAX_FILTER_DEPTH; i++) mixed = i % 2 ? { $and: [mixed] } : { $or: [{ id: 'y' }, mixed] };
    expect(violationOf(mixed)).toMatchObject({ violatedRule: 'MAX_DEPTH' });
  });

  it('refuses a filter nested far beyond any stack without overflowing', () => {
    expect(violationOf(nestedNot(100_000))).toMatchObject({ violatedRule: 'MAX_DEPTH' });
    let arrays: unknown = { id: 'x' };
    for (let i = 0; i < 100_000; i++) arrays = { $and: [arrays] };
    expect(violationOf(arrays)).toMatchObject({ violatedRule: 'MAX_DEPTH' });
  });

  it('refuses a filter larger than the size limit', () => {
    const long = 'x'.repeat(MAX_FILTER_BYTES);
    expect(violationOf({ 'info.name.first': long })).toMatchObject({ field: 'filter', violatedRule: 'MAX_SIZE', description: expect.stringContaining('64 KiB') });
    const manyLong = ids(MAX_FILTER_VALUES).map((id) => `${id}-${'y'.repeat(100)}`);
    expect(violationOf({ id: { $in: manyLong } })).toMatchObject({ field: 'filter', violatedRule: 'MAX_SIZE' });
  });

  it('checks the limits before the fields: an oversized filter on unknown fields is refused for its size', () => {
    expect(violationOf({ $or: ids(100_000).map((id) => ({ [`unknown.${id}`]: id })) })).toMatchObject({ violatedRule: 'MAX_SIZE' });
  });
});
