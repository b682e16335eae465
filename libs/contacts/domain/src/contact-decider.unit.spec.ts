import { DeciderSpecification } from '@cp/testing';
import { ContactEventRecord, contactDecider, DEFAULT_SOURCE } from './index';

let counter = 0;
const given = DeciderSpecification.for(contactDecider(() => `item-${++counter}`));
const at = '2026-01-01T00:00:00.000Z';
const created: ContactEventRecord = {
  type: 'ContactCreated',
  data: { contactId: 'c1', info: { name: { first: 'Ada' }, labelKeys: { items: ['custom.vip'] } }, source: DEFAULT_SOURCE },
  occurredAt: at,
};
const deleted: ContactEventRecord = { type: 'ContactDeleted', data: { contactId: 'c1' }, occurredAt: at };

describe('contact decider', () => {
  it('creates a contact once, and only one that can be told apart', () => {
    given([])
      .when({ type: 'CreateContact', data: { contactId: 'c1', info: { name: { first: 'Ada' } } } })
      .then([{ type: 'ContactCreated', data: { contactId: 'c1', info: { name: { first: 'Ada' } }, source: DEFAULT_SOURCE } }]);
    given([created]).when({ type: 'CreateContact', data: { contactId: 'c1', info: { name: { first: 'Ada' } } } }).thenThrows({ code: 'CONTACT_ID_ALREADY_EXISTS' });
    given([]).when({ type: 'CreateContact', data: { contactId: 'c2', info: {} } }).thenThrows({ code: 'INVALID_ARGUMENT' });
  });

  it('updates on the revision the caller read, and records only what changes', () => {
    given([created]).when({ type: 'UpdateContact', data: { revision: 1, info: { name: { first: 'Ada', last: 'Lovelace' } } } })
      .then([{ type: 'ContactUpdated', data: { info: { name: { first: 'Ada', last: 'Lovelace' } } } }]);
    given([created]).when({ type: 'UpdateContact', data: { revision: 1, info: { name: { first: 'Ada' } } } }).thenNothingHappened();
    given([created]).when({ type: 'UpdateContact', data: { revision: 7, info: { name: { first: 'B' } } } }).thenThrows({ code: 'REVISION_MISMATCH', data: { currentRevision: 1 } });
  });

  it('labels and unlabels only what changes, and relabels in one decision', () => {
    given([created]).when({ type: 'LabelContact', data: { labelKeys: ['custom.vip', 'custom.gold'] } }).then([{ type: 'ContactLabeled', data: { labelKeys: ['custom.gold'] } }]);
    given([created]).when({ type: 'UnlabelContact', data: { labelKeys: ['custom.gold'] } }).thenNothingHappened();
    given([created])
      .when({ type: 'RelabelContact', data: { add: ['custom.gold'], remove: ['custom.vip'] } })
      .then([
        { type: 'ContactLabeled', data: { labelKeys: ['custom.gold'] } },
        { type: 'ContactUnlabeled', data: { labelKeys: ['custom.vip'] } },
      ]);
  });

  it('deletes an existing contact; a deleted one is not found', () => {
    given([created]).when({ type: 'DeleteContact' }).then([{ type: 'ContactDeleted', data: { contactId: 'c1' } }]);
    given([created, deleted]).when({ type: 'DeleteContact' }).thenThrows({ code: 'CONTACT_NOT_FOUND' });
    given([created, deleted]).when({ type: 'LabelContact', data: { labelKeys: ['custom.gold'] } }).thenThrows({ code: 'CONTACT_NOT_FOUND' });
  });

  it('erases a contact, deleted or not, once; then nothing is known of it but its id', () => {
    const erased: ContactEventRecord = { type: 'ContactErased', data: { contactId: 'c1' }, occurredAt: at };
    given([created]).when({ type: 'EraseContact' }).then([{ type: 'ContactErased', data: { contactId: 'c1' } }]);
    given([created, deleted]).when({ type: 'EraseContact' }).then([{ type: 'ContactErased', data: { contactId: 'c1' } }]);
    given([created, erased]).when({ type: 'EraseContact' }).thenNothingHappened();
    // Its earlier events read as redacted and are not folded: the erasure stands alone.
    given([erased]).when({ type: 'EraseContact' }).thenNothingHappened();
    given([erased]).when({ type: 'UpdateContact', data: { revision: 1, info: { company: 'X' } } }).thenThrows({ code: 'CONTACT_NOT_FOUND' });
    given([]).when({ type: 'EraseContact' }).thenThrows({ code: 'CONTACT_NOT_FOUND' });
    const member: ContactEventRecord = { ...created, data: { ...created.data, info: { extendedFields: { items: { 'members.membershipStatus': 'APPROVED' } } } } };
    given([member]).when({ type: 'EraseContact' }).thenThrows({ code: 'CONTACT_IS_MEMBER' });
  });

  it('marks a merge source once, and refuses one merged into another contact', () => {
    given([created]).when({ type: 'MarkMergedInto', data: { targetId: 't1' } }).then([{ type: 'ContactDeleted', data: { contactId: 'c1', mergedInto: 't1' } }]);
    const merged: ContactEventRecord = { type: 'ContactDeleted', data: { contactId: 'c1', mergedInto: 't1' }, occurredAt: at };
    given([created, merged]).when({ type: 'MarkMergedInto', data: { targetId: 't1' } }).thenNothingHappened();
    given([created, merged]).when({ type: 'MarkMergedInto', data: { targetId: 't2' } }).thenThrows({ code: 'CONTACT_ALREADY_MERGED' });
  });

  it('merges sources into the target, refusing a target among its sources', () => {
    given([created]).when({ type: 'MergeContacts', data: { sourceContactIds: ['c1'], sources: [undefined] } }).thenThrows({ code: 'INVALID_ARGUMENT' });
    given([created]).when({ type: 'MergeContacts', data: { sourceContactIds: ['c9'], sources: [undefined] } }).thenThrows({ code: 'CONTACT_NOT_FOUND' });
  });
});
