import type { FieldDefinition } from './field-catalog';

const system = (key: string, dataType: FieldDefinition['dataType'], displayName: string, description: string, writable = false): FieldDefinition => ({
  key,
  namespace: key.slice(0, key.indexOf('.')),
  displayName,
  dataType,
  fieldType: 'SYSTEM',
  description,
  writable,
});

/** The system extended fields every site has (API.md §8.4); API callers may write only the writable ones. */
export const SYSTEM_FIELDS: readonly FieldDefinition[] = [
  system('contacts.displayByFirstName', 'TEXT', 'Display Name (start with first)', 'First name, then last name'),
  system('contacts.displayByLastName', 'TEXT', 'Display Name (start with last)', 'Last name, then first name'),
  system('invoices.vatId', 'TEXT', 'VAT ID', 'Tax identification number', true),
  system('members.membershipStatus', 'TEXT', 'Membership Status', 'APPROVED, DENIED, PENDING or INACTIVE'),
  system('members.mobile', 'TEXT', 'Mobile flag', 'true when the member signed up on mobile', true),
  system('ecom.numOfPurchases', 'NUMBER', 'Number of Purchases', 'Purchases made by the contact'),
  system('ecom.totalSpentAmount', 'NUMBER', 'Total Spent Amount', 'Total amount the contact spent'),
  system('ecom.totalSpentCurrency', 'TEXT', 'Total Spent Currency', 'ISO-4217 currency of the total'),
  system('ecom.lastPurchaseDate', 'DATE', 'Last Purchase Date', 'Date of the latest purchase'),
  system('emailSubscriptions.subscriptionStatus', 'TEXT', 'Email Subscription Status', 'Subscription status of the effective email'),
  system('emailSubscriptions.deliverabilityStatus', 'TEXT', 'Email Deliverability Status', 'Deliverability of the effective email'),
  system('emailSubscriptions.effectiveEmail', 'TEXT', 'Effective Email', 'The email subscriptions apply to'),
];
