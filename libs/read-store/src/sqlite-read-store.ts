import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { applyUpdate, idOnly, sortDocuments, upsertedDocument } from './documents';
import { findOwnFields } from './embedded-own-fields';
import { FilterPlan } from './embedded-plan';
import {
  Document,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  PageOptions,
  ReadCollection,
  ReadOnly,
  ReadStore,
  ReplaceOptions,
  ScanOptions,
  SortSpec,
  UpdateResult,
  UpdateSpec,
} from './read-store.port';
import { CompileOptions, compileFilter, CompiledFilter, jsonPathOf, valueExpression } from './sqlite-filter';
import { columnsOf, createMultikeyTable, indexOrder, MultikeyIndex, multikeyIndex, MultikeyPlan, multikeyRows, planMultikey } from './sqlite-multikey';
import { Kind, PathShapes } from './sqlite-shapes';

/**
 * The read store on SQLite (one file, WAL): each collection a table of `(id, doc)` rows with the
 * document as JSONB, indexes as expression indexes on its fields, filters compiled to SQL
 * (sqlite-filter.ts). What the SQL cannot decide exactly is tested with the query engine on the
 * rows it selects, as the embedded store does, so both give MongoDB's answers.
 *
 * Tables are named by a number, not by the collection: a rename (a rebuilt read model taking
 * over) repoints the name, and index names stay unique.
 */
export interface SqliteReadStoreOptions {
  /**
   * The version of the read models' documents this code writes. A file written by another
   * version is emptied on open, so its projections rebuild from zero instead of mixing shapes
   * (kept as SQLite's user_version). Bump it whenever a projection's documents change.
   */
  schemaVersion?: number;
}

/** How long a purge waits out readers that hold the log: 100 tries, 20 ms apart. */
const PURGE_ATTEMPTS = 100;
const PURGE_RETRY_MS = 20;

export class SqliteReadStore implements ReadStore {
  private readonly db: Database.Database;
  private readonly tables = new Map<string, TableState>();
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, options: SqliteReadStoreOptions = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // A replaced or deleted document's bytes are overwritten, not left in free space (erasure).
    this.db.pragma('secure_delete = ON');
    if (options.schemaVersion !== undefined) this.keepOnlyVersion(options.schemaVersion);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS read_collections (name TEXT PRIMARY KEY, table_name TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS read_shapes (table_name TEXT NOT NULL, path TEXT NOT NULL, kinds INTEGER NOT NULL, PRIMARY KEY (table_name, path));
      CREATE TABLE IF NOT EXISTS read_sequence (id INTEGER PRIMARY KEY AUTOINCREMENT, unused INTEGER);
      CREATE TABLE IF NOT EXISTS read_indexes (table_name TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, array_path TEXT, PRIMARY KEY (table_name, name));
    `);
    const regexes = new Map<string, RegExp>();
    this.db.function('regexp_test', { deterministic: true }, (pattern, flags, value) => {
      if (typeof value !== 'string') return 0;
      const key = `${flags}/${pattern}`;
      let regex = regexes.get(key);
      if (!regex) {
        regex = new RegExp(String(pattern), String(flags));
        if (regexes.size > 1_000) regexes.clear();
        regexes.set(key, regex);
      }
      return regex.test(value) ? 1 : 0;
    });
  }

  collection<T extends Document = Document>(name: string): ReadCollection<T> {
    return new SqliteCollection<T>(this, name);
  }

  /** The documents of another version go; the tables are made anew. */
  private keepOnlyVersion(version: number): void {
    if (this.db.pragma('user_version', { simple: true }) === version) return;
    this.db.transaction(() => {
      const tables = this.db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
      for (const { name } of tables) this.db.exec(`DROP TABLE ${quoted(name)}`);
      this.db.pragma(`user_version = ${Math.trunc(version)}`);
    })();
  }

  async listCollections(): Promise<string[]> {
    const rows = this.db.prepare('SELECT name, table_name FROM read_collections').all() as { name: string; table_name: string }[];
    return rows.filter((row) => (this.db.prepare(`SELECT EXISTS (SELECT 1 FROM ${quoted(row.table_name)}) AS any`).get() as { any: number }).any === 1).map((row) => row.name);
  }

  /**
   * secure_delete has overwritten freed content in the file; the log still holds old pages until
   * truncated. A read in progress on this connection (a cursor between its pages) locks the log:
   * then it tries again a little later, until the log is empty.
   */
  async purge(): Promise<void> {
    this.commit(); // the turn's group first: what it removed is then in the log, and the log can go
    for (let attempt = 0; ; attempt++) {
      try {
        const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        if (result.busy === 0) return;
      } catch (error) {
        if (!/locked|busy/i.test((error as Error).message)) throw error;
      }
      if (attempt >= PURGE_ATTEMPTS) throw new Error(`could not truncate the write-ahead log of ${this.db.name}: readers kept it busy`);
      await new Promise((resolve) => setTimeout(resolve, PURGE_RETRY_MS));
    }
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.commit();
    if (this.db.open) this.db.close();
  }

  /** The table of a collection, created on first use. */
  table(name: string): TableState {
    let state = this.tables.get(name);
    if (state) return state;
    const stored = this.storedTable(name);
    if (stored) {
      const shapes = this.db.prepare('SELECT path, kinds FROM read_shapes WHERE table_name = ?').all(stored) as { path: string; kinds: number }[];
      const indexes = this.db.prepare('SELECT name, spec, array_path FROM read_indexes WHERE table_name = ?').all(stored) as { name: string; spec: string; array_path: string | null }[];
      state = {
        table: stored,
        shapes: new PathShapes(shapes.map((shape) => [shape.path, shape.kinds])),
        indexes: new Map(indexes.map((index) => [index.name, JSON.parse(index.spec) as IndexSpec])),
        multikey: indexes.filter((index) => index.array_path !== null).map((index) => this.multikeyOf(stored, index.name, JSON.parse(index.spec), index.array_path!)),
      };
    } else {
      const sequence = this.db.prepare('INSERT INTO read_sequence (unused) VALUES (NULL)').run().lastInsertRowid;
      state = { table: `read_${sequence}`, shapes: new PathShapes(), indexes: new Map(), multikey: [] };
      this.db.transaction(() => {
        this.db.exec(`CREATE TABLE ${quoted(state!.table)} (id TEXT PRIMARY KEY, doc BLOB NOT NULL)`);
        this.db.prepare('INSERT INTO read_collections (name, table_name) VALUES (?, ?)').run(name, state!.table);
      })();
    }
    this.tables.set(name, state);
    return state;
  }

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      // Filters with lists of many lengths make many texts: keep the cache bounded.
      if (this.statements.size >= 500) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * One write, atomic (a savepoint), inside the turn's group: the writes of one turn of the event
   * loop commit together. A commit costs about as much as the pages it writes to the WAL, and a
   * contact's write touches a dozen (its row, each index), so committing each alone took half
   * of a write's time. The read models are projections: a crash loses at most the turn's writes,
   * checkpoints included, which the projections then apply again.
   */
  transaction<R>(work: () => R): R {
    if (!this.db.inTransaction) {
      this.db.exec('BEGIN');
      setImmediate(() => this.commit());
    }
    return this.db.transaction(work)();
  }

  private commit(): void {
    if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Records the kinds a written document adds to its table's shapes; an index whose path now holds an array becomes multikey. */
  observe(state: TableState, doc: Document): void {
    for (const [path, kinds] of state.shapes.observe(doc)) {
      this.statement('INSERT INTO read_shapes (table_name, path, kinds) VALUES (?, ?, ?) ON CONFLICT (table_name, path) DO UPDATE SET kinds = excluded.kinds').run(state.table, path, kinds);
      if ((kinds & Kind.array) === 0) continue;
      for (const [name, spec] of state.indexes) if (Object.hasOwn(spec.keys, path)) this.makeMultikey(state, name, spec, path);
    }
  }

  /**
   * Records an index (every process that writes the table keeps its multikey rows, so it is
   * stored) and creates it: an expression index, or a multikey table once a path holds arrays.
   */
  createIndex(state: TableState, name: string, spec: IndexSpec): void {
    this.transaction(() => {
      if (!state.indexes.has(name)) {
        state.indexes.set(name, spec);
        this.statement('INSERT OR IGNORE INTO read_indexes (table_name, name, spec) VALUES (?, ?, ?)').run(state.table, name, JSON.stringify(spec));
      }
      const arrayPath = Object.keys(spec.keys).find((path) => (state.shapes.at(path) & Kind.array) !== 0);
      if (arrayPath) return this.makeMultikey(state, name, spec, arrayPath);
      const columns = (lowered: readonly string[]) =>
        Object.entries(spec.keys).map(([path, direction]) => {
          const expression = valueExpression(path);
          if (!expression) throw new Error(`Cannot index the path ${path}`);
          return `${lowered.includes(path) ? `lower(${expression})` : expression} ${direction === 1 ? 'ASC' : 'DESC'}`;
        });
      const index = expressionIndexName(state.table, name);
      this.db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoted(index)} ON ${quoted(state.table)} (${columns([]).join(', ')})`);
      if (spec.caseInsensitive?.length) this.db.exec(`CREATE INDEX IF NOT EXISTS ${quoted(`${index}_lower`)} ON ${quoted(state.table)} (${columns(spec.caseInsensitive).join(', ')})`);
    });
  }

  private makeMultikey(state: TableState, name: string, spec: IndexSpec, arrayPath: string): void {
    if (state.multikey.some((index) => index.name === name)) return;
    // Two array paths in one index (MongoDB refuses them), or one SQL cannot name: filters test the documents instead.
    const paths = Object.keys(spec.keys);
    if (paths.some((path) => path !== arrayPath && (state.shapes.at(path) & Kind.array) !== 0) || paths.some((path) => valueExpression(path) === undefined)) return;
    if (spec.unique) throw new Error(`Index ${name}: a unique index on a path that holds arrays is not supported`);
    const index = this.multikeyOf(state.table, name, spec, arrayPath);
    state.multikey.push(index);
    this.statement('UPDATE read_indexes SET array_path = ? WHERE table_name = ? AND name = ?').run(arrayPath, state.table, name);
    this.db.exec(`DROP INDEX IF EXISTS ${quoted(expressionIndexName(state.table, name))}`);
    this.db.exec(`DROP INDEX IF EXISTS ${quoted(`${expressionIndexName(state.table, name)}_lower`)}`);
    for (const statement of createMultikeyTable(index, multikeyTableName(state.table, name))) this.db.exec(statement);
    const insert = this.db.prepare(insertRowSql(index));
    for (const row of this.db.prepare(`SELECT id, json(doc) AS doc FROM ${quoted(state.table)}`).all() as Row[]) {
      for (const values of multikeyRows(index, JSON.parse(row.doc) as Document)) insert.run(...values, row.id);
    }
  }

  private multikeyOf(table: string, name: string, spec: IndexSpec, arrayPath: string): MultikeyIndex {
    return multikeyIndex(spec, quoted(multikeyTableName(table, name)), name, arrayPath);
  }

  /** A document's rows in its table's multikey indexes. */
  writeKeys(state: TableState, doc: Document, replacing: boolean): void {
    for (const index of state.multikey) {
      const rows = multikeyRows(index, doc);
      if (replacing) {
        // Most updates leave an index's keys as they were (a rename keeps the labels): then its rows stay.
        const before = this.statement(`SELECT ${columnsOf(index).join(', ')} FROM ${index.table} WHERE doc_id = ?`).raw().all(doc._id) as unknown[][];
        if (sameRows(before, rows)) continue;
        this.statement(`DELETE FROM ${index.table} WHERE doc_id = ?`).run(doc._id);
      }
      const insert = this.statement(insertRowSql(index));
      for (const values of rows) insert.run(...values, doc._id);
    }
  }

  deleteKeys(state: TableState, id: string): void {
    for (const index of state.multikey) this.statement(`DELETE FROM ${index.table} WHERE doc_id = ?`).run(id);
  }

  drop(name: string): void {
    const table = this.tableOf(name);
    this.tables.delete(name);
    if (table) this.transaction(() => this.forget(name, table));
  }

  rename(from: string, to: string): void {
    const source = this.table(from);
    const target = this.tableOf(to);
    this.transaction(() => {
      if (target) this.forget(to, target);
      this.db.prepare('UPDATE read_collections SET name = ? WHERE name = ?').run(to, from);
    });
    this.tables.delete(from);
    this.tables.set(to, source);
  }

  /** The table a collection name stands for, if it has one (without opening it). */
  private tableOf(name: string): string | undefined {
    return this.tables.get(name)?.table ?? this.storedTable(name);
  }

  private storedTable(name: string): string | undefined {
    return (this.db.prepare('SELECT table_name FROM read_collections WHERE name = ?').get(name) as { table_name: string } | undefined)?.table_name;
  }

  private forget(name: string, table: string): void {
    this.db.exec(`DROP TABLE IF EXISTS ${quoted(table)}`);
    const multikey = this.db.prepare('SELECT name FROM read_indexes WHERE table_name = ? AND array_path IS NOT NULL').all(table) as { name: string }[];
    for (const { name: index } of multikey) this.db.exec(`DROP TABLE IF EXISTS ${quoted(multikeyTableName(table, index))}`);
    this.db.prepare('DELETE FROM read_shapes WHERE table_name = ?').run(table);
    this.db.prepare('DELETE FROM read_indexes WHERE table_name = ?').run(table);
    this.db.prepare('DELETE FROM read_collections WHERE name = ?').run(name);
    // Statements on a dropped table would fail: prepare them anew.
    for (const sql of [...this.statements.keys()]) if (sql.includes(quoted(table))) this.statements.delete(sql);
  }
}

interface TableState {
  table: string;
  shapes: PathShapes;
  /** Its indexes by name, as created (kept in the file: see createIndex). */
  indexes: Map<string, IndexSpec>;
  /** The indexes one of whose paths has held arrays: tables of their own (sqlite-multikey.ts). */
  multikey: MultikeyIndex[];
  /** Its number of documents, once counted, then followed through writes (about right: a heuristic's input, see rowCount). */
  rows?: number;
}

/** A filter as the collection reads it (see SqliteCollection.query). */
interface Query {
  filter: Filter;
  compiled: CompiledFilter;
  /** Through a multikey index: FROM (the index table as x, joined to the documents), WHERE and its parameters. */
  indexed?: { plan: MultikeyPlan; from: string; indexOnly: string | undefined; where: string; params: unknown[] };
  /** Through prefix ranges of a multikey index (search words). */
  ranged?: RangedQuery;
}

/**
 * A filter read through prefix ranges of a multikey index: each range's rows give a set of
 * document ids every match is in (one document may have several rows in a range, and rows are
 * not in the documents' order), so counts intersect the sets on the index alone and pages sort
 * the matches by their own order, or walk the sort's index and test each against the sets.
 */
interface RangedQuery {
  idSets: { sql: string; params: unknown[] }[];
  /** The same ranges as tests of one document (`EXISTS` of its rows in the range, by doc_id). */
  walkTests: { sql: string; params: unknown[] }[];
  /** What the ranges and the pinned keys leave of the filter, on the documents. */
  rest: CompiledFilter | undefined;
  /** The pinned equalities, on the documents (what walking the sort's index reads them by). */
  pinned: CompiledFilter;
}

interface Row {
  id: string;
  doc: string;
}

class SqliteCollection<T extends Document> implements ReadCollection<T> {
  constructor(
    private readonly store: SqliteReadStore,
    private name: string,
  ) {}

  private get state(): TableState {
    return this.store.table(this.name);
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection'> & ReadOnly = {}): Promise<T | null> {
    const id = idOnly(filter);
    if (id !== undefined) {
      const row = this.store.statement(`SELECT json(doc) AS doc FROM ${this.tableName} WHERE id = ?`).get(id) as Row | undefined;
      if (!row) return null;
      const doc = JSON.parse(row.doc) as T;
      return options.projection ? findOwnFields([doc], {}, { projection: options.projection })[0] : doc;
    }
    const [found] = await this.find(filter, { projection: options.projection, limit: 1 });
    return found ?? null;
  }

  async find(filter: Filter, options: FindOptions & ReadOnly = {}): Promise<T[]> {
    const docs = this.select(this.query(filter), { sort: options.sort, skip: options.skip ?? 0, limit: options.limit || undefined });
    return options.projection ? findOwnFields(docs, {}, { projection: options.projection }) : docs;
  }

  async findPage(filter: Filter, options: PageOptions): Promise<{ docs: T[]; total: number }> {
    const query = this.query(filter);
    if (this.orderIn(query, options.sort) === undefined) {
      const matches = this.matching(query, options.sort);
      return { docs: this.shape(matches.slice(options.skip, options.skip + options.limit), options.projection), total: Math.min(matches.length, options.countLimit ?? Infinity) };
    }
    const total = this.count(query, options.countLimit);
    if (total === 0) return { docs: [], total };
    // Many matches: the page is found sooner by walking the sort's index than by sorting them all.
    const wanted = options.skip + options.limit;
    const walk = !query.indexed && total > 4 * wanted && wanted * this.rowCount() < total * total;
    if (query.ranged) return { docs: this.shape(this.selectRanged(query.ranged, options, walk), options.projection), total };
    const docs = this.select(walk ? { ...query, compiled: this.compile(filter, { unindexedRanges: true }) } : query, options);
    return { docs: this.shape(docs, options.projection), total };
  }

  async countDocuments(filter: Filter): Promise<number> {
    return this.count(this.query(filter));
  }

  /**
   * The ids of the matches in sort order first (one query), then their documents batch by
   * batch, each tested again as it is now: a document written meanwhile is seen as it is or not
   * at all, never twice. (An open SQLite cursor would hold the connection between turns.)
   */
  async *scan(filter: Filter, options: ScanOptions): AsyncIterable<T[]> {
    const query = this.query(filter);
    const orderBy = this.orderBy(options.sort);
    const ids =
      orderBy === undefined
        ? this.matching(query, options.sort).map((doc) => doc._id)
        : (this.store.statement(`SELECT id FROM ${this.tableName} WHERE ${query.compiled.sql}${orderBy}`).all(...query.compiled.params) as { id: string }[]).map((row) => row.id);
    const plan = new FilterPlan(filter, new Map());
    for (let start = 0; start < ids.length; start += options.batchSize) {
      if (start > 0) await nextTurn();
      const batch = this.byIds(ids.slice(start, start + options.batchSize)).filter((doc) => plan.matches(doc));
      if (batch.length > 0) yield batch;
    }
  }

  async insertOne(doc: T): Promise<void> {
    this.write(() => this.insert(doc));
  }

  async replaceOne(filter: Filter, doc: T, options: ReplaceOptions = {}): Promise<UpdateResult> {
    return this.write(() => {
      const existing = this.firstId(filter);
      if (existing === undefined) {
        if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
        this.insert(doc);
        return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
      }
      this.put(existing, { ...doc, _id: existing });
      return { matchedCount: 1, modifiedCount: 1, upsertedCount: 0 };
    });
  }

  async updateOne(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return this.write(() => {
      const [existing] = this.select(this.query(filter), { limit: 1, skip: 0 });
      if (existing) {
        const changed = applyUpdate(existing, update);
        if (changed) this.put(existing._id, existing);
        return { matchedCount: 1, modifiedCount: changed ? 1 : 0, upsertedCount: 0 };
      }
      if (!options.upsert) return { matchedCount: 0, modifiedCount: 0, upsertedCount: 0 };
      this.insert(upsertedDocument<T>(filter, update));
      return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
    });
  }

  async updateMany(filter: Filter, update: UpdateSpec): Promise<UpdateResult> {
    return this.write(() => {
      const matches = this.select(this.query(filter), { skip: 0 });
      let modifiedCount = 0;
      for (const doc of matches) {
        if (!applyUpdate(doc, update)) continue;
        this.put(doc._id, doc);
        modifiedCount++;
      }
      return { matchedCount: matches.length, modifiedCount, upsertedCount: 0 };
    });
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    return this.write(() => {
      const id = this.firstId(filter);
      if (id === undefined) return { deletedCount: 0 };
      this.remove(id);
      return { deletedCount: 1 };
    });
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    return this.write(() => {
      const query = this.query(filter);
      const ids = query.compiled.exact
        ? (this.store.statement(`SELECT id FROM ${this.tableName} WHERE ${query.compiled.sql}`).all(...query.compiled.params) as { id: string }[]).map((row) => row.id)
        : this.matching(query).map((doc) => doc._id);
      for (const id of ids) this.remove(id);
      return { deletedCount: ids.length };
    });
  }

  async createIndexes(indexes: IndexSpec[]): Promise<void> {
    const state = this.state;
    for (const [n, index] of indexes.entries()) {
      // An index whose keys begin another's adds nothing SQLite's planner needs, and costs every write.
      if (indexes.some((other) => other !== index && servesAs(other, index))) continue;
      try {
        this.store.createIndex(state, index.name ?? `index_${n}`, index);
      } catch (error) {
        throw this.duplicateKey(error) ?? error;
      }
    }
  }

  async drop(): Promise<void> {
    this.store.drop(this.name);
  }

  async renameTo(name: string): Promise<void> {
    this.store.rename(this.name, name);
    this.name = name;
  }

  // ---------------------------------------------------------------- reading

  private get tableName(): string {
    return quoted(this.state.table);
  }

  private compile(filter: Filter, options?: CompileOptions): CompiledFilter {
    return compileFilter(filter, this.state.shapes, options);
  }

  /** The collection's size (read once, then kept up to date by this process's writes): how selective a filter is. */
  private rowCount(): number {
    const state = this.state;
    state.rows ??= (this.store.statement(`SELECT count(*) AS n FROM ${quoted(state.table)}`).get() as { n: number }).n;
    return state.rows;
  }

  /**
   * How a filter is read, worked out once per call: its SQL, and the multikey index that pins
   * it (sqlite-multikey.ts) when what that leaves compiles exactly.
   */
  private query(filter: Filter): Query {
    const state = this.state;
    const compiled = this.compile(filter);
    const plan = planMultikey(filter, state.multikey, state.shapes);
    const rest = plan?.rest ? this.compile(plan.rest) : undefined;
    if (!plan || (rest && !rest.exact)) return { filter, compiled };
    if (plan.ranges.length > 0) {
      const range = `x.k${plan.pinned} >= ? AND x.k${plan.pinned} < ?`;
      const ids = `SELECT x.doc_id FROM ${plan.index.table} AS x WHERE ${plan.pinned > 0 ? `${plan.pinnedSql} AND ${range}` : range}`;
      const idSets = plan.ranges.map((bounds) => ({ sql: ids, params: [...plan.params, ...bounds] }));
      // `+` keeps SQLite on the doc_id index, not the keys' range, for a test of one document.
      const ofDocument = [...columnsOf(plan.index).slice(0, plan.pinned).map((column) => `+x.${column} = ?`), `+x.k${plan.pinned} >= ?`, `+x.k${plan.pinned} < ?`].join(' AND ');
      const walkTests = plan.ranges.map((bounds) => ({ sql: `EXISTS (SELECT 1 FROM ${plan.index.table} AS x WHERE x.doc_id = ${this.tableName}.id AND ${ofDocument})`, params: [...plan.params, ...bounds] }));
      return { filter, compiled, ranged: { idSets, walkTests, rest, pinned: this.compile(plan.pinnedFilter) } };
    }
    return {
      filter,
      compiled,
      indexed: {
        plan,
        from: `${plan.index.table} AS x JOIN ${this.tableName} ON id = x.doc_id`,
        // Nothing left to test on the documents: the index table alone answers a count.
        indexOnly: rest ? undefined : `${plan.index.table} AS x`,
        where: rest ? `${plan.pinnedSql} AND ${rest.sql}` : plan.pinnedSql,
        params: [...plan.params, ...(rest?.params ?? [])],
      },
    };
  }

  /** The ORDER BY that SQL answers the query in (the index table's own when the sort is its), or undefined when it cannot decide the query. */
  private orderIn(query: Query, sort: SortSpec | undefined): string | undefined {
    if (query.ranged) return this.orderBy(sort);
    if (query.indexed) {
      const order = indexOrder(query.indexed.plan, sort);
      return order ? ` ORDER BY ${order}` : this.orderBy(sort);
    }
    return query.compiled.exact ? this.orderBy(sort) : undefined;
  }

  /** The matching documents in sort order, skip and limit applied: in SQL when it decides the query. */
  private select(query: Query, options: { sort?: SortSpec; skip: number; limit?: number }): T[] {
    const orderBy = this.orderIn(query, options.sort);
    if (orderBy === undefined) {
      const matches = this.matching(query, options.sort);
      return matches.slice(options.skip, options.limit === undefined ? undefined : options.skip + options.limit);
    }
    if (query.ranged) return this.selectRanged(query.ranged, options, false);
    const { from, where, params } = query.indexed ?? { from: this.tableName, where: query.compiled.sql, params: query.compiled.params };
    return this.rows(`SELECT json(doc) AS doc FROM ${from} WHERE ${where}${orderBy}${pagingSql(options)}`, params);
  }

  /**
   * A page of a ranged query: the ids in sort order first (sorting only ids and sort keys, not
   * whole documents), then their documents. `walk`: many match, so the sort's index is walked
   * with the pinned keys and each entry tested for rows in the ranges through the index table's
   * doc_id index (a dozen rows a document) until the page is full, rather than building sets
   * of every match first.
   */
  private selectRanged(ranged: RangedQuery, options: { sort?: SortSpec; skip: number; limit?: number }, walk: boolean): T[] {
    const orderBy = this.orderBy(options.sort) ?? '';
    const sets = walk ? ranged.walkTests : ranged.idSets.map((set) => ({ sql: `id IN (${set.sql})`, params: set.params }));
    const terms = [...(walk ? [ranged.pinned] : []), ...sets, ...(ranged.rest ? [ranged.rest] : [])];
    const sql = `SELECT id FROM ${this.tableName} WHERE ${terms.map((term) => term.sql).join(' AND ')}${orderBy}${pagingSql(options)}`;
    const ids = (this.store.statement(sql).all(...terms.flatMap((term) => term.params)) as { id: string }[]).map((row) => row.id);
    return this.byIds(ids);
  }

  private rows(sql: string, params: unknown[]): T[] {
    return (this.store.statement(sql).all(...params) as Row[]).map((row) => JSON.parse(row.doc) as T);
  }

  /** Every match of a filter the SQL only narrows, tested one by one, in sort order. */
  private matching({ filter, compiled }: Query, sort?: SortSpec): T[] {
    const plan = new FilterPlan(filter, new Map());
    const rows = this.store.statement(`SELECT json(doc) AS doc FROM ${this.tableName} WHERE ${compiled.sql}`).all(...compiled.params) as Row[];
    const matches = rows.map((row) => JSON.parse(row.doc) as T).filter((doc) => plan.matches(doc));
    return sort ? sortDocuments(matches, sort) : matches;
  }

  /** How many documents match, or `limit` when at least that many do (SQL stops counting there). */
  private count(query: Query, limit?: number): number {
    const { indexed, compiled, ranged } = query;
    if (!indexed && !ranged && !compiled.exact) return Math.min(this.matching(query).length, limit ?? Infinity);
    let select: string;
    let params: unknown[];
    if (ranged) {
      // Nothing to test on the documents: the sets' intersection (distinct, as INTERSECT is), on the index alone.
      select = ranged.rest
        ? `SELECT id FROM ${this.tableName} WHERE ${ranged.idSets.map((set) => `id IN (${set.sql})`).join(' AND ')} AND ${ranged.rest.sql}`
        : `SELECT DISTINCT doc_id FROM (${ranged.idSets.map((set) => set.sql).join(' INTERSECT ')})`;
      params = [...ranged.idSets.flatMap((set) => set.params), ...(ranged.rest?.params ?? [])];
    } else {
      const { from, where } = indexed ? { ...indexed, from: indexed.indexOnly ?? indexed.from } : { from: this.tableName, where: compiled.sql };
      select = `SELECT 1 FROM ${from} WHERE ${where}`;
      params = indexed ? indexed.params : compiled.params;
    }
    const sql = limit === undefined ? `SELECT count(*) AS n FROM (${select})` : `SELECT count(*) AS n FROM (${select} LIMIT ${Math.trunc(limit)})`;
    return (this.store.statement(sql).get(...params) as { n: number }).n;
  }

  /**
   * ORDER BY in MongoDB's order: a field that only ever held numbers, strings and nulls sorts by
   * its value as SQLite orders them (NULL first, numbers, then text: MongoDB's order), which an
   * index on it serves; any other sorts by its type's rank first. Undefined when SQL cannot
   * name a path (the caller sorts in JS).
   */
  private orderBy(sort: SortSpec | undefined): string | undefined {
    if (!sort || Object.keys(sort).length === 0) return '';
    const shapes = this.state.shapes;
    const terms = Object.entries(sort).map(([path, direction]) => {
      const expression = valueExpression(path);
      const way = direction === 1 ? 'ASC' : 'DESC';
      const jsonPath = jsonPathOf(path);
      if (!expression || (path !== '_id' && jsonPath === undefined) || shapes.arrayBefore(path)) return undefined;
      if (path === '_id' || (shapes.at(path) & ~(Kind.null | Kind.number | Kind.string)) === 0) return `${expression} ${way}`;
      return `${typeRank(jsonPath!)} ${way}, ${expression} ${way}`;
    });
    return terms.some((term) => term === undefined) ? undefined : ` ORDER BY ${terms.join(', ')}`;
  }

  private byIds(ids: string[]): T[] {
    const statement = this.store.statement(`SELECT json(doc) AS doc FROM ${this.tableName} WHERE id = ?`);
    const docs: T[] = [];
    for (const id of ids) {
      const row = statement.get(id) as Row | undefined;
      if (row) docs.push(JSON.parse(row.doc) as T);
    }
    return docs;
  }

  private shape(docs: T[], projection: PageOptions['projection']): T[] {
    return projection ? findOwnFields(docs, {}, { projection }) : docs;
  }

  private firstId(filter: Filter): string | undefined {
    const id = idOnly(filter);
    if (id !== undefined) {
      return (this.store.statement(`SELECT id FROM ${this.tableName} WHERE id = ?`).get(id) as { id: string } | undefined)?.id;
    }
    return this.select(this.query(filter), { skip: 0, limit: 1 })[0]?._id;
  }

  // ---------------------------------------------------------------- writing

  private write<R>(work: () => R): R {
    try {
      return this.store.transaction(work);
    } catch (error) {
      throw this.duplicateKey(error) ?? error;
    }
  }

  private insert(doc: T): void {
    const state = this.state;
    this.store.observe(state, doc);
    this.store.statement(`INSERT INTO ${quoted(state.table)} (id, doc) VALUES (?, jsonb(?))`).run(doc._id, JSON.stringify(doc));
    this.store.writeKeys(state, doc, false);
    if (state.rows !== undefined) state.rows++;
  }

  private put(id: string, doc: T): void {
    const state = this.state;
    this.store.observe(state, doc);
    this.store.statement(`UPDATE ${quoted(state.table)} SET doc = jsonb(?) WHERE id = ?`).run(JSON.stringify(doc), id);
    this.store.writeKeys(state, doc, true);
  }

  private remove(id: string): void {
    const state = this.state;
    const { changes } = this.store.statement(`DELETE FROM ${quoted(state.table)} WHERE id = ?`).run(id);
    this.store.deleteKeys(state, id);
    if (state.rows !== undefined) state.rows -= changes;
  }

  private duplicateKey(error: unknown): DuplicateKeyError | undefined {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new DuplicateKeyError(this.name, '_id_');
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
    // "UNIQUE constraint failed: index '<table>_<name>'" or the columns' expressions.
    const index = /index '([^']+)'/.exec((error as Error).message)?.[1]?.slice(this.state.table.length + 1);
    return new DuplicateKeyError(this.name, index ?? 'unique');
  }
}

/** MongoDB's order of types: missing and null, numbers, strings, objects and arrays, booleans. */
function pagingSql({ skip, limit }: { skip: number; limit?: number }): string {
  if (limit !== undefined) return ` LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(skip)}`;
  return skip > 0 ? ` LIMIT -1 OFFSET ${Math.trunc(skip)}` : '';
}

function typeRank(jsonPath: string): string {
  const type = `json_type(doc, ${jsonPath})`;
  return `CASE ${type} WHEN 'integer' THEN 1 WHEN 'real' THEN 1 WHEN 'text' THEN 2 WHEN 'object' THEN 3 WHEN 'array' THEN 3 WHEN 'true' THEN 4 WHEN 'false' THEN 4 ELSE 0 END`;
}

function expressionIndexName(table: string, index: string): string {
  return `${table}_${index.replace(/\W/g, '_')}`;
}

function multikeyTableName(table: string, index: string): string {
  return `${table}_mk_${index.replace(/\W/g, '_')}`;
}

/** Whether `longer` answers every lookup `shorter` would: its keys begin with shorter's, same directions. */
function servesAs(longer: IndexSpec, shorter: IndexSpec): boolean {
  if (shorter.unique || shorter.caseInsensitive?.length) return false;
  const a = Object.entries(longer.keys);
  const b = Object.entries(shorter.keys);
  return a.length > b.length && b.every(([path, direction], i) => a[i][0] === path && a[i][1] === direction);
}

function sameRows(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map((row) => JSON.stringify(row)));
  return b.every((row) => keys.has(JSON.stringify(row)));
}

function insertRowSql(index: MultikeyIndex): string {
  return `INSERT INTO ${index.table} (${columnsOf(index).join(', ')}, doc_id) VALUES (${columnsOf(index).map(() => '?').join(', ')}, ?)`;
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
