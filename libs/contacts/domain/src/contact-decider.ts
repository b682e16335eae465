import { ContactEvent, ContactEventRecord } from './contact-events';
import {
  ContactState,
  createContact,
  CreateContact,
  deleteContact,
  eraseContact,
  evolve,
  labelContact,
  removeExtendedFieldValues,
  unlabelContact,
  updateContact,
  UpdateContact,
} from './contact';
import { markMergedInto, mergeContacts, MergeCommand } from './merge';
import { IdGenerator } from './normalize-info';

/** What a contact is asked to do, each decided on its own stream's state. */
export type ContactCommand =
  | { type: 'CreateContact'; data: CreateContact }
  | { type: 'UpdateContact'; data: UpdateContact }
  | { type: 'DeleteContact' }
  /** Erases its personal data for good (docs/privacy.md), deleted or not. */
  | { type: 'EraseContact' }
  | { type: 'LabelContact'; data: { labelKeys: readonly string[] } }
  | { type: 'UnlabelContact'; data: { labelKeys: readonly string[] } }
  /** Adds some labels and removes others in one change (bulk labelling). */
  | { type: 'RelabelContact'; data: { add: readonly string[]; remove: readonly string[] } }
  | { type: 'RemoveExtendedFieldValues'; data: { keys: readonly string[] } }
  /** The target's side of a merge: the sources' states are read by the caller, which reserves them. */
  | { type: 'MergeContacts'; data: MergeCommand & { sources: readonly (ContactState | undefined)[] } }
  /** A source's side of a merge, after the target's commit point. */
  | { type: 'MarkMergedInto'; data: { targetId: string } };

export const initialContactState = (): ContactState | undefined => undefined;

/**
 * The contact's decider, in the shape of Emmett's: a typed command, an exhaustive switch over
 * the decisions in contact.ts and merge.ts, the same `evolve` the projection folds with.
 * `newId` issues the ids of new email, phone and address items.
 */
export function contactDecider(newId: IdGenerator) {
  const decide = (command: ContactCommand, state: ContactState | undefined): ContactEvent[] => {
    switch (command.type) {
      case 'CreateContact':
        return createContact(state, command.data, newId);
      case 'UpdateContact':
        return updateContact(state, command.data, newId);
      case 'DeleteContact':
        return deleteContact(state);
      case 'EraseContact':
        return eraseContact(state);
      case 'LabelContact':
        return labelContact(state, command.data.labelKeys);
      case 'UnlabelContact':
        return unlabelContact(state, command.data.labelKeys);
      case 'RelabelContact': {
        const labeled = labelContact(state, command.data.add);
        const afterAdd = labeled.reduce<ContactState | undefined>((next, event) => evolve(next, { ...event, occurredAt: '' } as ContactEventRecord), state);
        return [...labeled, ...unlabelContact(afterAdd, command.data.remove)];
      }
      case 'RemoveExtendedFieldValues':
        return removeExtendedFieldValues(state, command.data.keys);
      case 'MergeContacts':
        return mergeContacts(state, command.data.sources, command.data);
      case 'MarkMergedInto':
        return markMergedInto(state, command.data.targetId);
      default:
        return exhaustive(command);
    }
  };
  return { decide, evolve, initialState: initialContactState };
}

function exhaustive(command: never): never {
  throw new Error(`Unknown contact command ${JSON.stringify(command)}`);
}
