import {
  deleteLabel,
  findOrCreateLabel,
  foldLabelCatalog as foldCatalog,
  LabelCatalog,
  LabelEvent,
  LabelEventRecord,
  openLabelCatalog as openCatalog,
  renameLabel,
  SYSTEM_LABELS,
} from './index';

const at = (events: LabelEvent[], occurredAt = '2026-01-01T00:00:00.000Z'): LabelEventRecord[] =>
  events.map((e) => ({ ...e, occurredAt }));

function catalogWith(...names: string[]): { catalog: LabelCatalog; history: LabelEventRecord[] } {
  let history = at(openCatalog(foldCatalog([])));
  for (const name of names) history = [...history, ...at(findOrCreateLabel(foldCatalog(history), name, 100).events)];
  return { catalog: foldCatalog(history), history };
}

describe('label catalog', () => {
  it('starts every site with the system labels', () => {
    const { catalog } = catalogWith();
    expect(catalog.entries.get('contacts.customers')).toMatchObject({ labelType: 'SYSTEM', displayName: 'Customers' });
    expect(catalog.entries.get('contacts.customers')?.createdDate).toBeUndefined();
  });

  it('creates custom labels keyed by slug and finds them again by exact name', () => {
    const { catalog } = catalogWith('Barking Intensive (long weekend)');
    expect(catalog.entries.get('custom.barking-intensive-long-weekend')).toMatchObject({ namespace: 'custom', labelType: 'USER_DEFINED' });
    expect(findOrCreateLabel(catalog, 'Barking Intensive (long weekend)', 100)).toEqual({ events: [], key: 'custom.barking-intensive-long-weekend', newLabel: false });
  });

  it('opens the catalog on first use', () => {
    const result = findOrCreateLabel(foldCatalog([]), 'VIP', 100);
    expect(result.events.map((e) => e.type)).toEqual(['LabelCatalogOpened', 'LabelCreated']);
  });

  it('gives a different name with the same slug a suffixed key, and never reuses a deleted key', () => {
    const { catalog, history } = catalogWith('VIP', 'vip');
    expect([...catalog.entries.keys()]).toEqual(expect.arrayContaining(['custom.vip', 'custom.vip-1']));
    const afterDelete = foldCatalog([...history, ...at(deleteLabel(catalog, 'custom.vip'))]);
    expect(findOrCreateLabel(afterDelete, 'VIP', 100).key).toBe('custom.vip-2');
  });

  it('enforces the quota with its numbers', () => {
    const { catalog } = catalogWith('a', 'b');
    expect(() => findOrCreateLabel(catalog, 'c', 2)).toThrow(
      expect.objectContaining({ kind: 'FAILED_PRECONDITION', data: { labelsQuota: 2, labelsCurrentTotal: 2 } }),
    );
    expect(findOrCreateLabel(catalog, 'a', 2).newLabel).toBe(false);
  });

  it('renames custom labels, keeping the key, and refuses clashes and system labels', () => {
    const { catalog, history } = catalogWith('Gold', 'Silver');
    const renamed = foldCatalog([...history, ...at(renameLabel(catalog, 'custom.gold', 'Platinum'), '2026-02-01T00:00:00.000Z')]);
    expect(renamed.entries.get('custom.gold')).toMatchObject({ displayName: 'Platinum', updatedDate: '2026-02-01T00:00:00.000Z' });
    expect(() => renameLabel(catalog, 'custom.gold', 'Silver')).toThrow(expect.objectContaining({ code: 'LABEL_ALREADY_EXISTS' }));
    expect(() => renameLabel(catalog, 'contacts.customers', 'X')).toThrow(expect.objectContaining({ kind: 'FAILED_PRECONDITION' }));
    expect(() => renameLabel(catalog, 'custom.none', 'X')).toThrow(expect.objectContaining({ code: 'LABEL_NOT_FOUND' }));
    expect(() => renameLabel(catalog, 'custom.gold', ' ')).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
  });

  it('refuses to delete system labels', () => {
    const { catalog } = catalogWith();
    expect(() => deleteLabel(catalog, 'contacts.customers')).toThrow(expect.objectContaining({ kind: 'FAILED_PRECONDITION' }));
  });

  it('limits display names to 180 characters', () => {
    expect(() => findOrCreateLabel(catalogWith().catalog, 'x'.repeat(181), 100)).toThrow(expect.objectContaining({ kind: 'INVALID_ARGUMENT' }));
  });
});

describe('label catalog, folded from stored events', () => {
  it('dates what it creates and renames, keeps deleted keys used, and ignores what it does not know', () => {
    const catalog = foldCatalog([
      { type: 'LabelCatalogOpened', data: { system: [...SYSTEM_LABELS] }, occurredAt: 't0' },
      { type: 'LabelCreated', data: { key: 'custom.a', namespace: 'custom', namespaceDisplayName: 'Custom', displayName: 'A', labelType: 'USER_DEFINED' }, occurredAt: 't1' },
      { type: 'LabelRenamed', data: { key: 'custom.a', displayName: 'A2' }, occurredAt: 't2' },
      { type: 'LabelRenamed', data: { key: 'custom.none', displayName: 'X' }, occurredAt: 't3' },
      { type: 'LabelCreated', data: { key: 'custom.b', namespace: 'custom', namespaceDisplayName: 'Custom', displayName: 'B', labelType: 'USER_DEFINED' }, occurredAt: 't4' },
      { type: 'LabelDeleted', data: { key: 'custom.b' }, occurredAt: 't5' },
      { type: 'SomethingNewer', data: {}, occurredAt: 't6' } as unknown as LabelEventRecord,
    ]);
    expect(catalog.opened).toBe(true);
    expect(catalog.entries.get('custom.a')).toMatchObject({ displayName: 'A2', createdDate: 't1', updatedDate: 't2' });
    expect([...catalog.entries.keys()]).toEqual(['contacts.contacted-me', 'contacts.customers', 'custom.a']);
    expect(catalog.usedKeys.has('custom.b')).toBe(true);
  });
});
