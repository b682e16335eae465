import { AppError } from '@cp/errors';
import { Anchor } from './keyset';

/**
 * A paging cursor: the query it pages (so the next request needs nothing else), the row it
 * resumes from and which way. Opaque to clients, but not a secret: it holds only what the
 * client sent, and each page checks that query again as if sent anew, for the caller's site.
 */
export interface CursorState {
  query: Record<string, unknown>;
  anchor: Anchor;
  direction: 'next' | 'prev';
}

const VERSION = 1;

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify({ v: VERSION, q: state.query, a: [state.anchor.value, state.anchor.tiebreaker], d: state.direction === 'next' ? 'n' : 'p' })).toString('base64url');
}

/** The state in a cursor; a string no server wrote (or one of another version) is a 400 naming `field`. */
export function decodeCursor(text: string, field: string): CursorState {
  const invalid = () => invalidCursor(field);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isObject(parsed) || parsed.v !== VERSION || !isObject(parsed.q) || (parsed.d !== 'n' && parsed.d !== 'p')) throw invalid();
  const anchor = parsed.a;
  if (!Array.isArray(anchor) || anchor.length !== 2) throw invalid();
  const [value, tiebreaker] = anchor as unknown[];
  if (!(value === null || typeof value === 'string' || typeof value === 'number')) throw invalid();
  if (!(typeof tiebreaker === 'string' || typeof tiebreaker === 'number')) throw invalid();
  return { query: parsed.q, anchor: { value, tiebreaker }, direction: parsed.d === 'n' ? 'next' : 'prev' };
}

/** The refusal of a cursor no server wrote, or one whose query is not what a server would have put in it. */
export function invalidCursor(field: string): Error {
  return AppError.invalidField(field, 'is not a cursor from a previous page of this query', 'INVALID_CURSOR');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
