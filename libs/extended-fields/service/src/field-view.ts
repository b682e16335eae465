import { ExtendedField } from '@cp/extended-fields-domain';

export type FieldView = Omit<ExtendedField, 'writable'>;

/** The API shows a field without our internal `writable` flag (the contacts service's checks read it). */
export function fieldToApi(field: ExtendedField): FieldView {
  const { writable: _writable, ...shown } = field;
  return shown;
}
