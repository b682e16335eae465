// A stand-in for an external CRM: records in memory, and a change event for every write, with
// who made it. A real CRM would offer the same two things: an API to write records, and a way
// to hear about changes (its own webhooks, a change log, polling "updated since").
import { EventEmitter } from 'node:events';

/** The fields a CRM record has; `platformId` is where the sync app keeps the platform's contact id. */
export const CRM_FIELDS = ['firstName', 'lastName', 'email', 'company', 'platformId'];

export class ExternalCrm {
  #records = new Map();
  #changes = [];
  #events = new EventEmitter();
  #next = 1;

  /** `listener({ type: 'created' | 'updated' | 'deleted', record, changed, actor, sequence })`, after the write. */
  onChange(listener) {
    this.#events.on('change', listener);
  }

  create(fields, actor) {
    const record = { id: `crm-${this.#next++}`, ...pick(fields), version: 1 };
    this.#records.set(record.id, record);
    this.#emit('created', record, Object.keys(pick(fields)), actor);
    return { ...record };
  }

  /** Writes only what differs; a write that changes nothing is no change (and no event). */
  update(id, fields, actor) {
    const record = this.#records.get(id);
    if (!record) throw new Error(`CRM record ${id} not found`);
    const changed = Object.entries(pick(fields)).filter(([name, value]) => record[name] !== value);
    if (changed.length === 0) return { ...record };
    for (const [name, value] of changed) record[name] = value;
    record.version++;
    this.#emit('updated', record, changed.map(([name]) => name), actor);
    return { ...record };
  }

  delete(id, actor) {
    const record = this.#records.get(id);
    if (!record) return false;
    this.#records.delete(id);
    this.#emit('deleted', record, [], actor);
    return true;
  }

  get(id) {
    const record = this.#records.get(id);
    return record && { ...record };
  }

  find(predicate) {
    return this.all().find(predicate);
  }

  all() {
    return [...this.#records.values()].map((record) => ({ ...record }));
  }

  /** Every change so far, oldest first (what the example checks its "no echo" claim against). */
  changes() {
    return this.#changes.map((change) => ({ ...change }));
  }

  #emit(type, record, changed, actor) {
    const change = { type, record: { ...record }, changed, actor, sequence: this.#changes.length + 1 };
    this.#changes.push(change);
    this.#events.emit('change', change);
  }
}

function pick(fields) {
  return Object.fromEntries(CRM_FIELDS.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]]));
}
