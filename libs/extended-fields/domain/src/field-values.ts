import type { FieldDataType } from './field-catalog';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_TEXT = 1000;

export type FieldValueCheck = { ok: true; value: string | number } | { ok: false; reason: string };

/**
 * Checks a value against its field's data type and normalizes it: NUMBER accepts numbers (and
 * numeric strings), DATE a calendar date as YYYY-MM-DD, URL a web address (https:// is added
 * when no scheme is given), TEXT a string.
 */
export function checkFieldValue(dataType: FieldDataType, value: unknown): FieldValueCheck {
  switch (dataType) {
    case 'NUMBER': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      return Number.isFinite(number) ? { ok: true, value: number } : { ok: false, reason: 'must be a number' };
    }
    case 'DATE': {
      const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null;
      if (!match) return { ok: false, reason: 'must be a date as YYYY-MM-DD' };
      const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
      return date.toISOString().slice(0, 10) === value ? { ok: true, value } : { ok: false, reason: 'is not a calendar date' };
    }
    case 'URL': {
      if (typeof value !== 'string' || value.trim() === '') return { ok: false, reason: 'must be a URL' };
      const text = value.trim();
      const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
      try {
        const url = new URL(withScheme);
        if (!['http:', 'https:'].includes(url.protocol) || !url.hostname.includes('.')) return { ok: false, reason: 'must be an http(s) URL' };
        return { ok: true, value: withScheme };
      } catch {
        return { ok: false, reason: 'must be a URL' };
      }
    }
    case 'TEXT':
      if (typeof value !== 'string') return { ok: false, reason: 'must be text' };
      return value.length > MAX_TEXT ? { ok: false, reason: `must be at most ${MAX_TEXT} characters` } : { ok: true, value };
  }
}
