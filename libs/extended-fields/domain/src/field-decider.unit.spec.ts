import { DeciderSpecification } from '@cp/testing';
import { FieldEventRecord } from './field-catalog';
import { fieldDecider } from './field-decider';
import { SYSTEM_FIELDS } from './system-fields';

const given = DeciderSpecification.for(fieldDecider);
const at = '2026-01-01T00:00:00.000Z';
const opened: FieldEventRecord = { type: 'ExtendedFieldCatalogOpened', data: { system: SYSTEM_FIELDS.map((f) => ({ ...f })) }, occurredAt: at };
const tier = { key: 'custom.tier', namespace: 'custom', displayName: 'Tier', dataType: 'TEXT' as const, fieldType: 'USER_DEFINED' as const };
const created: FieldEventRecord = { type: 'ExtendedFieldCreated', data: tier, occurredAt: at };

describe('extended-field catalog decider', () => {
  it('opens a catalog once, before it is read', () => {
    given([]).when({ type: 'OpenFieldCatalog' }).then([{ type: 'ExtendedFieldCatalogOpened', data: opened.data }]);
    given([opened]).when({ type: 'OpenFieldCatalog' }).thenNothingHappened();
  });

  it('opens the catalog with the system fields and creates a custom field on first use', () => {
    given([])
      .when({ type: 'FindOrCreateField', data: { displayName: 'Tier', dataType: 'TEXT' } })
      .then([{ type: 'ExtendedFieldCatalogOpened', data: opened.data }, { type: 'ExtendedFieldCreated', data: tier }]);
  });

  it('finds a field by its display name, whatever data type is asked for, and needs a data type to create one', () => {
    given([opened, created]).when({ type: 'FindOrCreateField', data: { displayName: 'Tier', dataType: 'NUMBER' } }).thenNothingHappened();
    given([opened]).when({ type: 'FindOrCreateField', data: { displayName: 'Score', dataType: undefined } }).thenThrows({ code: 'INVALID_ARGUMENT' });
    given([opened]).when({ type: 'FindOrCreateField', data: { displayName: 'Score', dataType: 'COLOUR' } }).thenThrows({ code: 'INVALID_ARGUMENT' });
  });

  it('renames and deletes custom fields only', () => {
    given([opened, created]).when({ type: 'RenameField', data: { key: 'custom.tier', displayName: 'Level' } })
      .then([{ type: 'ExtendedFieldRenamed', data: { key: 'custom.tier', displayName: 'Level' } }]);
    given([opened, created]).when({ type: 'DeleteField', data: { key: 'custom.tier' } }).then([{ type: 'ExtendedFieldDeleted', data: { key: 'custom.tier' } }]);
    given([opened]).when({ type: 'DeleteField', data: { key: SYSTEM_FIELDS[0].key } }).thenThrows({ code: 'EXTENDED_FIELD_NOT_EDITABLE' });
    given([opened]).when({ type: 'RenameField', data: { key: 'custom.nope', displayName: 'X' } }).thenThrows({ code: 'EXTENDED_FIELD_NOT_FOUND' });
  });
});
