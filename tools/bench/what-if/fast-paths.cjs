// WHAT-IF EXPERIMENT, not product code. Preloaded into a process that runs the compiled libs
// (`node --require tools/bench/what-if/fast-paths.cjs ...`, or `npm run bench -- --what-if`), it
// patches the classes in dist/ with the fixes proposed in docs/performance.md, so their effect
// can be measured before anyone changes libs/. It reaches into private members of the compiled
// classes, so it is tied to the code as it was when the profile was taken; it refuses to patch
// (and says so) when those members are not where it expects them.
//
// WHAT_IF=id,checkpoint,query,clone,index selects the fixes (default: all of them); a fix the
// code already has is left alone and reported as such:
//   id          _id-only lookups in the embedded store skip mingo (findOne/find/firstMatch)
//   checkpoint  the projection runner saves its checkpoint at most every 1,000 events / 1 s
//   query       find + countDocuments over the same filter share one pass, with a plain JS
//               predicate for the common filters and a top-k heap for the sort
//   clone       replaceOne does not structuredClone a document the caller hands over
//   index       no secondary indexes on sort-only paths (createdDate, seq, deleted)
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const selected = new Set((process.env.WHAT_IF || 'id,checkpoint,query,clone,index').split(',').map((s) => s.trim()));
const applied = [];
const already = [];

function patchReadStore() {
  const { EmbeddedReadStore } = require(path.join(root, 'dist/libs/read-store/src/index.js'));
  const probe = new EmbeddedReadStore().collection('probe');
  const Collection = probe.constructor;
  const proto = Collection.prototype;
  if (!(probe.docs instanceof Map) || typeof proto.firstMatch !== 'function' || typeof proto.candidates !== 'function') {
    console.error('[what-if] EmbeddedCollection has changed shape; read-store fixes not applied');
    return;
  }
  const { Query } = require('mingo');
  const { compare } = require('mingo/util');
  const idOnly = (filter) => {
    const keys = Object.keys(filter);
    return keys.length === 1 && keys[0] === '_id' && typeof filter._id === 'string';
  };

  if (selected.has('id') && /idOnly|_id/.test(proto.findOne.toString()) && /idOnly/.test(proto.firstMatch.toString())) {
    already.push('id');
  } else if (selected.has('id')) {
    const find = proto.find;
    proto.find = async function (filter, options = {}) {
      if (idOnly(filter) && !options.projection) {
        const doc = this.docs.get(filter._id);
        return doc && !options.skip ? [structuredClone(doc)] : [];
      }
      return find.call(this, filter, options);
    };
    const firstMatch = proto.firstMatch;
    proto.firstMatch = function (filter) {
      if (idOnly(filter)) return this.docs.get(filter._id);
      return firstMatch.call(this, filter);
    };
    applied.push('id');
  }

  if (selected.has('clone')) {
    const replaceOne = proto.replaceOne;
    proto.replaceOne = async function (filter, doc, options = {}) {
      if (!idOnly(filter) || filter._id !== doc._id) return replaceOne.call(this, filter, doc, options);
      const existing = this.docs.get(filter._id);
      if (!existing && !options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
      this.store(doc, existing); // the caller's document, not a clone: the projection builds a new one per event
      return existing ? { matchedCount: 1, modifiedCount: 1, upsertedCount: 0 } : { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
    };
    applied.push('clone');
  }

  if (selected.has('index')) {
    // Sort-only paths narrow nothing (every document has its own createdDate and seq; deleted is
    // a boolean the index ignores) but cost memory and time on every write.
    const SORT_ONLY = new Set(['state.createdDate', 'seq', 'deleted']);
    const createIndexes = proto.createIndexes;
    proto.createIndexes = async function (indexes) {
      const lean = indexes
        .map((index) => ({ ...index, keys: Object.fromEntries(Object.entries(index.keys).filter(([path]) => index.unique || !SORT_ONLY.has(path))) }))
        .filter((index) => Object.keys(index.keys).length > 0);
      return createIndexes.call(this, lean);
    };
    applied.push('index');
  }

  if (selected.has('query')) {
    // One pass over the candidates: the matches are kept for the countDocuments call that
    // ContactQueries.page makes with the same filter object; the page is a top-k selection.
    const counts = new WeakMap();
    const find = proto.find;
    proto.find = async function (filter, options = {}) {
      const sortKeys = Object.entries(options.sort ?? {});
      if (idOnly(filter) || options.projection || sortKeys.length === 0 || !options.limit) return find.call(this, filter, options);
      const test = compileFast(filter) ?? ((query) => (doc) => query.test(doc))(new Query(filter));
      const matches = [];
      for (const doc of this.candidates(filter)) if (test(doc)) matches.push(doc);
      counts.set(filter, matches.length);
      // Sort keys are plain paths to scalars here (dates as ISO strings, seq numbers): each match's
      // keys are read once, and a binary heap keeps the best k (root = the worst one kept).
      const paths = sortKeys.map(([key, order]) => [key.split('.'), order]);
      const keysOf = (doc) =>
        paths.map(([parts]) => {
          let value = doc;
          for (const part of parts) value = value?.[part];
          return value;
        });
      const cmp = (a, b) => {
        for (let i = 0; i < paths.length; i++) {
          const x = a.keys[i];
          const y = b.keys[i];
          const c = typeof x === typeof y && (typeof x === 'string' || typeof x === 'number') ? (x < y ? -1 : x > y ? 1 : 0) : compare(x, y);
          if (c !== 0) return c * paths[i][1];
        }
        return 0;
      };
      const k = (options.skip ?? 0) + options.limit;
      const heap = []; // max-heap by cmp: heap[0] sorts last among the kept
      const up = (i) => {
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (cmp(heap[i], heap[parent]) <= 0) break;
          [heap[i], heap[parent]] = [heap[parent], heap[i]];
          i = parent;
        }
      };
      const down = (i) => {
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let largest = i;
          if (l < heap.length && cmp(heap[l], heap[largest]) > 0) largest = l;
          if (r < heap.length && cmp(heap[r], heap[largest]) > 0) largest = r;
          if (largest === i) return;
          [heap[i], heap[largest]] = [heap[largest], heap[i]];
          i = largest;
        }
      };
      for (const doc of matches) {
        const entry = { doc, keys: keysOf(doc) };
        if (heap.length < k) {
          heap.push(entry);
          up(heap.length - 1);
        } else if (cmp(entry, heap[0]) < 0) {
          heap[0] = entry;
          down(0);
        }
      }
      const top = heap.sort(cmp).map((entry) => entry.doc);
      return structuredClone(top.slice(options.skip ?? 0));
    };
    const countDocuments = proto.countDocuments;
    proto.countDocuments = async function (filter) {
      const known = counts.get(filter);
      if (known !== undefined) return known;
      return countDocuments.call(this, filter);
    };
    applied.push('query');
  }
}

/**
 * A plain JS predicate for the filters the contact queries produce most (scalar equality, $in
 * of scalars, anchored $regex, $and), with MongoDB's array traversal; undefined for anything
 * else, which then goes to mingo. Part of the 'query' fix.
 */
function compileFast(filter) {
  const tests = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and') {
      if (!Array.isArray(condition)) return undefined;
      for (const part of condition) {
        const test = compileFast(part);
        if (!test) return undefined;
        tests.push(test);
      }
      continue;
    }
    if (key.startsWith('$')) return undefined;
    const parts = key.split('.');
    const scalar = (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (scalar(condition)) {
      tests.push((doc) => valuesAt(doc, parts).some((v) => v === condition));
      continue;
    }
    if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return undefined;
    const operators = Object.keys(condition);
    if (operators.length === 1 && operators[0] === '$eq' && scalar(condition.$eq)) {
      tests.push((doc) => valuesAt(doc, parts).some((v) => v === condition.$eq));
    } else if (operators.length === 1 && operators[0] === '$in' && Array.isArray(condition.$in) && condition.$in.every(scalar)) {
      const wanted = new Set(condition.$in);
      tests.push((doc) => valuesAt(doc, parts).some((v) => wanted.has(v)));
    } else if (typeof condition.$regex === 'string' && operators.every((op) => op === '$regex' || op === '$options') && /^i?$/.test(condition.$options ?? '')) {
      const regex = new RegExp(condition.$regex, condition.$options ?? '');
      tests.push((doc) => valuesAt(doc, parts).some((v) => typeof v === 'string' && regex.test(v)));
    } else return undefined;
  }
  return (doc) => tests.every((test) => test(doc));
}

/** Values at a path, descending into arrays as MongoDB does (the array itself and its items). */
function valuesAt(doc, parts) {
  let current = [doc];
  for (const part of parts) {
    const next = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        for (const item of value) if (item !== null && typeof item === 'object' && part in item) next.push(item[part]);
      } else if (value !== null && typeof value === 'object' && part in value) next.push(value[part]);
    }
    current = next;
  }
  const out = [];
  for (const value of current) {
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
  }
  return out;
}

function patchProjection() {
  if (!selected.has('checkpoint')) return;
  const { CheckpointedProjection } = require(path.join(root, 'dist/libs/projection/src/index.js'));
  const proto = CheckpointedProjection.prototype;
  if (!/checkpoints\.save/.test(proto.handle.toString())) {
    already.push('checkpoint');
    return;
  }
  if (typeof proto.handle !== 'function' || typeof proto.stop !== 'function') {
    console.error('[what-if] CheckpointedProjection has changed shape; checkpoint fix not applied');
    return;
  }
  proto.handle = async function (event) {
    await this.handler(event);
    this.position = event.globalPosition;
    const now = Date.now();
    if (this.position - (this.savedPosition ?? 0) >= 1000 || now - (this.savedAt ?? 0) >= 1000) {
      this.savedPosition = this.position;
      this.savedAt = now;
      await this.checkpoints.save(this.name, this.position);
    }
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.position <= this.position);
    this.waiters = this.waiters.filter((w) => w.position > this.position);
    due.forEach((w) => w.resolve());
  };
  const stop = proto.stop;
  proto.stop = async function () {
    await stop.call(this);
    if (this.position > (this.savedPosition ?? 0)) await this.checkpoints.save(this.name, this.position);
  };
  applied.push('checkpoint');
}

patchReadStore();
patchProjection();
console.error(
  `[what-if] patched: ${applied.join(', ') || 'nothing'}${already.length ? `; already in the code: ${already.join(', ')}` : ''} (pid ${process.pid})`,
);
