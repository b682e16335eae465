import { AppError } from '@cp/errors';
import { FieldTable, project, resolveProjection, STRING_OPS, translateFilter, translateSort } from './index';

const table: FieldTable = {
  fields: {
    id: { path: 'state.id', kind: 'string', operators: ['$eq', '$in'] },
    'info.name.first': { path: 'state.info.name.first', kind: 'string', operators: STRING_OPS, sortable: true },
  },
};

/** Names every object answers to through its prototype: as field names they must be unknown fields. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

function violationOf(run: () => unknown): { field: string; violatedRule: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).httpStatus).toBe(400);
    return (error as AppError).violations[0];
  }
  throw new Error('expected a refusal');
}

describe('field names that are Object.prototype members', () => {
  it.each(PROTOTYPE_NAMES)('a filter on %s is a 400 naming the field', (name) => {
    // JSON.parse makes `__proto__` an own key, as a request body does.
    const filter = JSON.parse(`{"${name}": "nobody"}`);
    expect(violationOf(() => translateFilter(filter, table))).toMatchObject({ field: `filter.${name}`, violatedRule: 'UNSUPPORTED_FIELD' });
    expect(violationOf(() => translateFilter(JSON.parse(`{"$or": [{"${name}": {"$eq": "x"}}]}`), table))).toMatchObject({ field: `filter.$or[0].${name}` });
  });

  it.each(PROTOTYPE_NAMES)('sorting by %s is a 400', (name) => {
    expect(violationOf(() => translateSort([{ fieldName: name, order: 'ASC' }], table, {}, '_id'))).toMatchObject({ field: 'sort.fieldName', violatedRule: 'UNSUPPORTED_FIELD' });
  });

  it.each(PROTOTYPE_NAMES)('projecting %s, as a field or a fieldset, is a 400', (name) => {
    const rules = { fieldsets: { BASIC: ['info.name'], FULL: 'ALL' as const }, fields: ['info.name'], always: ['id'], defaultFieldset: 'FULL' };
    expect(violationOf(() => resolveProjection(rules, undefined, [name]))).toMatchObject({ field: 'fields' });
    expect(violationOf(() => resolveProjection(rules, [name], undefined))).toMatchObject({ field: 'fieldsets' });
  });

  it('takes an object of prototype names as a value, never as operators', () => {
    expect(violationOf(() => translateFilter({ id: { toString: 'x' } }, table))).toMatchObject({ field: 'filter.id.$eq' });
  });

  it('sort fields and orders of the wrong type are 400s, not crashes', () => {
    expect(violationOf(() => translateSort([{ fieldName: 3 as never }], table, {}, '_id'))).toMatchObject({ field: 'sort.fieldName' });
    expect(violationOf(() => translateSort([{ fieldName: 'info.name.first', order: 1 as never }], table, {}, '_id'))).toMatchObject({ field: 'sort.order' });
  });
});

describe('project', () => {
  it('takes own properties only', () => {
    const value = { id: '1', info: { name: { first: 'Ada' } } };
    expect(project(value, ['id', 'constructor', 'info.toString', 'info.name.constructor.name'])).toEqual({ id: '1' });
    expect(Object.keys(project(value, ['constructor', 'info.name']))).toEqual(['info']);
  });

  it('copies an own `__proto__` as data, never as a prototype', () => {
    const value = JSON.parse('{"id": "1", "__proto__": {"polluted": true}}');
    const projected = project(value, ['id', '__proto__']) as Record<string, unknown>;
    expect(Object.getPrototypeOf(projected)).toBe(Object.prototype);
    expect(Object.hasOwn(projected, '__proto__')).toBe(true);
    expect((projected as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
