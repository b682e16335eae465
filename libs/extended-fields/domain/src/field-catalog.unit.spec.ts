import {
  checkFieldValue,
  deleteField,
  findOrCreateField,
  FieldEvent,
  FieldEventRecord,
  foldFieldCatalog,
  renameField,
} from './index';

const at = (events: FieldEvent[]): FieldEventRecord[] => events.map((e) => ({ ...e, occurredAt: '2026-01-01T00:00:00.000Z' }));

describe('extended-field catalog', () => {
  it('creates typed custom fields, finds them by name and keeps their type', () => {
    const created = findOrCreateField(foldFieldCatalog([]), 'Shoe size', 'NUMBER');
    expect(created).toMatchObject({ key: 'custom.shoe-size', newField: true });
    const catalog = foldFieldCatalog(at(created.events));
    expect(catalog.entries.get('custom.shoe-size')).toMatchObject({ dataType: 'NUMBER', fieldType: 'USER_DEFINED', namespace: 'custom' });
    expect(catalog.entries.get('ecom.numOfPurchases')).toMatchObject({ fieldType: 'SYSTEM', dataType: 'NUMBER' });
    expect(findOrCreateField(catalog, 'Shoe size', 'TEXT')).toEqual({ events: [], key: 'custom.shoe-size', newField: false });
  });

  it('requires a known data type to create', () => {
    expect(() => findOrCreateField(foldFieldCatalog([]), 'X', 'ANY')).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
    expect(() => findOrCreateField(foldFieldCatalog([]), 'X', undefined)).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
  });

  it('allows at most 100 custom fields (429)', () => {
    let history: FieldEventRecord[] = [];
    for (let i = 0; i < 100; i++) history = [...history, ...at(findOrCreateField(foldFieldCatalog(history), `f${i}`, 'TEXT').events)];
    expect(() => findOrCreateField(foldFieldCatalog(history), 'one too many', 'TEXT')).toThrow(
      expect.objectContaining({ kind: 'RESOURCE_EXHAUSTED', code: 'EXTENDED_FIELDS_LIMIT_REACHED' }),
    );
  });

  it('renames and deletes custom fields only', () => {
    const catalog = foldFieldCatalog(at(findOrCreateField(foldFieldCatalog([]), 'Tier', 'TEXT').events));
    expect(renameField(catalog, 'custom.tier', 'Level')).toEqual([{ type: 'ExtendedFieldRenamed', data: { key: 'custom.tier', displayName: 'Level' } }]);
    expect(deleteField(catalog, 'custom.tier')).toHaveLength(1);
    expect(() => renameField(catalog, 'invoices.vatId', 'VAT')).toThrow(expect.objectContaining({ kind: 'FAILED_PRECONDITION' }));
    expect(() => deleteField(catalog, 'ecom.numOfPurchases')).toThrow(expect.objectContaining({ kind: 'FAILED_PRECONDITION' }));
    expect(() => deleteField(catalog, 'custom.none')).toThrow(expect.objectContaining({ kind: 'NOT_FOUND' }));
  });
});

describe('extended-field catalog, folded from stored events', () => {
  it('dates what it creates and renames, leaves the system fields undated, and keeps deleted keys used', () => {
    const catalog = foldFieldCatalog([
      ...at(findOrCreateField(foldFieldCatalog([]), 'Tier', 'TEXT').events),
      { type: 'ExtendedFieldRenamed', data: { key: 'custom.tier', displayName: 'Level' }, occurredAt: '2026-02-01T00:00:00.000Z' },
      { type: 'ExtendedFieldDeleted', data: { key: 'invoices.vatId' }, occurredAt: '2026-03-01T00:00:00.000Z' },
    ]);
    expect(catalog.entries.get('custom.tier')).toMatchObject({ displayName: 'Level', createdDate: '2026-01-01T00:00:00.000Z', updatedDate: '2026-02-01T00:00:00.000Z' });
    expect(catalog.entries.get('ecom.numOfPurchases')).not.toHaveProperty('createdDate');
    expect(catalog.entries.has('invoices.vatId')).toBe(false);
    expect(catalog.usedKeys.has('invoices.vatId')).toBe(true);
  });
});

describe('field values', () => {
  it.each([
    ['NUMBER', 42.5, 42.5],
    ['NUMBER', '7', 7],
    ['DATE', '2024-02-29', '2024-02-29'],
    ['URL', 'example.com/page', 'https://example.com/page'],
    ['URL', 'http://example.com', 'http://example.com'],
    ['TEXT', 'hello', 'hello'],
  ])('accepts %s %p', (type, value, normalized) => {
    expect(checkFieldValue(type as never, value)).toEqual({ ok: true, value: normalized });
  });

  it.each([
    ['NUMBER', 'seven'],
    ['DATE', '2023-02-29'],
    ['DATE', '01/02/2024'],
    ['URL', 'not a url'],
    ['URL', 'ftp://example.com'],
    ['TEXT', 12],
  ])('refuses %s %p', (type, value) => {
    expect(checkFieldValue(type as never, value).ok).toBe(false);
  });
});
