import { AppError } from '@cp/errors';
import { isOperatorObject, isPlainObject } from './shapes';

/**
 * How much work one filter may ask for. Checked before anything else looks at the filter, by a
 * walk that keeps its own stack (a filter nested thousands deep cannot overflow ours) and stops
 * at the first limit passed, so an abusive filter costs microseconds, not the seconds its
 * evaluation would.
 *
 * The values leave real use far behind and bound the worst case:
 * - depth 10: a filter object is level 1, each `$and` / `$or` item or `$not` operand one more; real
 *   filters nest two or three levels, and evaluation cost grows with depth times size;
 * - 200 conditions (each operator on a field, and each empty filter, counts one): a filter the
 *   store evaluates on every candidate document stays cheap; longer lists of values belong in `$in`;
 * - 1,000 values in one `$in`, `$nin`, `$hasSome` or `$hasAll`: a page of ids (paging allows at
 *   most 1,000) fits;
 * - 64 KiB of filter, counted as JSON: 1,000 emails and then some.
 */
export const MAX_FILTER_DEPTH = 10;
export const MAX_FILTER_CONDITIONS = 200;
export const MAX_FILTER_VALUES = 1_000;
export const MAX_FILTER_BYTES = 64 * 1024;

interface Pending {
  filter: unknown;
  at: string;
  depth: number;
}

/** Refuses, with a 400 naming the limit and where it was passed, a filter beyond the limits above. */
export function checkFilterLimits(filter: unknown, at = 'filter'): void {
  const budget = new Budget(at);
  const pending: Pending[] = [{ filter, at, depth: 1 }];
  while (pending.length > 0) {
    const { filter: current, at: currentAt, depth } = pending.pop()!;
    if (depth > MAX_FILTER_DEPTH) {
      throw AppError.invalidField(currentAt, `filters nest at most ${MAX_FILTER_DEPTH} levels deep ($and, $or and $not each add one)`, 'MAX_DEPTH');
    }
    if (!isPlainObject(current)) {
      budget.addValue(current);
      continue; // not a filter: the translator says so
    }
    const keys = Object.keys(current);
    if (keys.length === 0) budget.addCondition();
    budget.addBytes(2);
    const operands: Pending[] = [];
    for (const key of keys) {
      const value = current[key];
      const at = `${currentAt}.${key}`;
      budget.addBytes(key.length + 3);
      if ((key === '$and' || key === '$or') && Array.isArray(value)) {
        // Every operand holds a condition at least: a list longer than the limit fails before it is looked at.
        if (value.length > MAX_FILTER_CONDITIONS) throw budget.tooManyConditions();
        value.forEach((item, i) => operands.push({ filter: item, at: `${at}[${i}]`, depth: depth + 1 }));
      } else if (key === '$not') operands.push({ filter: value, at, depth: depth + 1 });
      else if (!key.startsWith('$')) checkCondition(value, at, budget);
    }
    // Last in, first out: reversed, the first operand is checked first.
    for (let i = operands.length - 1; i >= 0; i--) pending.push(operands[i]);
  }
}

/** One field's condition: a bare value, or operators each with a value or a list of values. */
function checkCondition(condition: unknown, at: string, budget: Budget): void {
  if (!isOperatorObject(condition)) {
    budget.addCondition();
    budget.addValue(condition);
    return;
  }
  budget.addBytes(2);
  for (const [operator, value] of Object.entries(condition)) {
    budget.addCondition();
    budget.addBytes(operator.length + 3);
    if (!Array.isArray(value)) {
      budget.addValue(value);
      continue;
    }
    if (value.length > MAX_FILTER_VALUES) {
      throw AppError.invalidField(`${at}.${operator}`, `${operator} takes at most ${MAX_FILTER_VALUES} values`, 'MAX_SIZE');
    }
    budget.addBytes(2);
    for (const item of value) budget.addValue(item);
  }
}

/** What a filter has used so far of its conditions and bytes. */
class Budget {
  private conditions = 0;
  private bytes = 0;

  constructor(private readonly at: string) {}

  addCondition(): void {
    if (++this.conditions > MAX_FILTER_CONDITIONS) throw this.tooManyConditions();
  }

  /** A value's size as JSON (near enough: escapes are not counted); objects and lists inside values are the translator's to refuse. */
  addValue(value: unknown): void {
    this.addBytes(typeof value === 'string' ? value.length + 3 : typeof value === 'number' || typeof value === 'boolean' ? String(value).length + 1 : 5);
  }

  addBytes(count: number): void {
    this.bytes += count;
    if (this.bytes > MAX_FILTER_BYTES) throw AppError.invalidField(this.at, `a filter is at most ${MAX_FILTER_BYTES / 1024} KiB as JSON`, 'MAX_SIZE');
  }

  tooManyConditions(): AppError {
    return AppError.invalidField(this.at, `a filter holds at most ${MAX_FILTER_CONDITIONS} conditions (an operator on a field counts one)`, 'MAX_SIZE');
  }
}
