import { DeciderSpecification } from '@cp/testing';
import { LabelEventRecord, SYSTEM_LABELS } from './label-catalog';
import { labelDecider } from './label-decider';

const given = DeciderSpecification.for(labelDecider);
const at = '2026-01-01T00:00:00.000Z';
const opened: LabelEventRecord = { type: 'LabelCatalogOpened', data: { system: SYSTEM_LABELS.map((l) => ({ ...l })) }, occurredAt: at };
const vip = { key: 'custom.vip', namespace: 'custom', namespaceDisplayName: 'Custom', displayName: 'VIP', labelType: 'USER_DEFINED' as const };
const created: LabelEventRecord = { type: 'LabelCreated', data: vip, occurredAt: at };

describe('label catalog decider', () => {
  it('opens a catalog once, before it is read', () => {
    given([]).when({ type: 'OpenLabelCatalog' }).then([{ type: 'LabelCatalogOpened', data: opened.data }]);
    given([opened]).when({ type: 'OpenLabelCatalog' }).thenNothingHappened();
  });

  it('opens the catalog with the system labels and creates a custom label on first use', () => {
    given([])
      .when({ type: 'FindOrCreateLabel', data: { displayName: 'VIP', quota: 10 } })
      .then([{ type: 'LabelCatalogOpened', data: opened.data }, { type: 'LabelCreated', data: vip }]);
  });

  it('finds a label by its exact display name instead of creating it again', () => {
    given([opened, created]).when({ type: 'FindOrCreateLabel', data: { displayName: 'VIP', quota: 10 } }).thenNothingHappened();
    given([opened]).when({ type: 'FindOrCreateLabel', data: { displayName: 'Customers', quota: 10 } }).thenNothingHappened();
  });

  it('never reuses the key of a deleted label, and stops at the quota', () => {
    const deleted: LabelEventRecord = { type: 'LabelDeleted', data: { key: 'custom.vip' }, occurredAt: at };
    given([opened, created, deleted])
      .when({ type: 'FindOrCreateLabel', data: { displayName: 'VIP', quota: 10 } })
      .then([{ type: 'LabelCreated', data: { ...vip, key: 'custom.vip-1' } }]);
    given([opened, created]).when({ type: 'FindOrCreateLabel', data: { displayName: 'Gold', quota: 1 } }).thenThrows({ code: 'LABELS_QUOTA_REACHED' });
  });

  it('renames and deletes custom labels only, refusing a name another label has', () => {
    given([opened, created]).when({ type: 'RenameLabel', data: { key: 'custom.vip', displayName: 'Very Important' } })
      .then([{ type: 'LabelRenamed', data: { key: 'custom.vip', displayName: 'Very Important' } }]);
    given([opened, created]).when({ type: 'RenameLabel', data: { key: 'custom.vip', displayName: 'VIP' } }).thenNothingHappened();
    given([opened, created]).when({ type: 'RenameLabel', data: { key: 'custom.vip', displayName: 'Customers' } }).thenThrows({ code: 'LABEL_ALREADY_EXISTS' });
    given([opened]).when({ type: 'DeleteLabel', data: { key: 'contacts.customers' } }).thenThrows({ code: 'LABEL_NOT_EDITABLE' });
    given([opened, created]).when({ type: 'DeleteLabel', data: { key: 'custom.vip' } }).then([{ type: 'LabelDeleted', data: { key: 'custom.vip' } }]);
    given([opened]).when({ type: 'DeleteLabel', data: { key: 'custom.nope' } }).thenThrows({ code: 'LABEL_NOT_FOUND' });
  });
});
