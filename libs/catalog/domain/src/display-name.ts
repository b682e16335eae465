import { AppError } from '@cp/errors';

/** A display name: trimmed, not empty, at most `maxLength` characters. */
export function validDisplayName(value: unknown, maxLength: number, field = 'displayName'): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '') throw AppError.invalidField(field, 'is required', 'REQUIRED');
  if (name.length > maxLength) throw AppError.invalidField(field, `must be at most ${maxLength} characters`, 'MAX_LENGTH');
  return name;
}
