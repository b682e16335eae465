/**
 * The read-store port: the part of MongoDB's collection API that projections and queries use.
 * Filters, sorts and updates are MongoDB's own syntax, so one query translator serves both the
 * MongoDB adapter and the embedded one.
 */
export type Document = { _id: string } & Record<string, unknown>;
export type Filter = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;
export type Projection = Record<string, 0 | 1>;

/** Supported update operators; `$setOnInsert` applies only when an upsert inserts. */
export interface UpdateSpec {
  $set?: Record<string, unknown>;
  $unset?: Record<string, '' | 1 | true>;
  $inc?: Record<string, number>;
  $addToSet?: Record<string, unknown>;
  $pull?: Record<string, unknown>;
  $setOnInsert?: Record<string, unknown>;
}

export interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  projection?: Projection;
}

export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedCount: number;
}

export interface IndexSpec {
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
  /** Serves sorting only: the embedded store keeps no lookup index for it (MongoDB creates it as usual). */
  sortOnly?: boolean;
  /**
   * Paths of this index the SQLite store also indexes lowercased, so that a case-insensitive
   * prefix (`{ $regex: '^ad', $options: 'i' }`, what `$startsWith` becomes) reads a range of it
   * instead of every document. The other stores ignore it.
   */
  caseInsensitive?: string[];
}

export interface ReplaceOptions {
  upsert?: boolean;
  /** The caller hands the document over and will not touch it again: the embedded store keeps it without a copy. */
  owned?: boolean;
}

/**
 * For callers that only read what they get and never change it: the embedded store may then hand
 * out its own documents instead of copies (it never changes a stored document in place, it
 * replaces it). MongoDB always returns fresh documents.
 */
export interface ReadOnly {
  readOnly?: boolean;
}

export interface PageOptions extends ReadOnly {
  sort: SortSpec;
  skip: number;
  limit: number;
  /**
   * The fields the caller reads. MongoDB returns only those; the embedded store, whose read-only
   * documents cost nothing to hand out, may return whole documents.
   */
  projection?: Projection;
  /**
   * Count no further than this many matches: `total` is then at most `countLimit`, so that a
   * caller can bound what a broad query costs (a search matching most contacts) and say so.
   */
  countLimit?: number;
}

export interface ScanOptions {
  sort: SortSpec;
  /** At most this many documents are looked at between two batches. */
  batchSize: number;
  /** As in PageOptions: MongoDB returns only these fields, the embedded store may return more. */
  projection?: Projection;
}

export interface ReadCollection<T extends Document = Document> {
  findOne(filter: Filter, options?: Pick<FindOptions, 'projection'> & ReadOnly): Promise<T | null>;
  find(filter: Filter, options?: FindOptions & ReadOnly): Promise<T[]>;
  countDocuments(filter: Filter): Promise<number>;
  /** One page of matches and the number of all matches (what a paged query answers). */
  findPage(filter: Filter, options: PageOptions): Promise<{ docs: T[]; total: number }>;
  /**
   * Every match in sort order, in batches, giving other work its turn between them: for reads
   * too long for one turn (the contacts of a bulk job). Documents are read-only. Writes made
   * while a scan runs may or may not be seen by it; none is seen twice.
   */
  scan(filter: Filter, options: ScanOptions): AsyncIterable<T[]>;
  insertOne(doc: T): Promise<void>;
  replaceOne(filter: Filter, doc: T, options?: ReplaceOptions): Promise<UpdateResult>;
  updateOne(filter: Filter, update: UpdateSpec, options?: { upsert?: boolean }): Promise<UpdateResult>;
  updateMany(filter: Filter, update: UpdateSpec): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<{ deletedCount: number }>;
  deleteMany(filter: Filter): Promise<{ deletedCount: number }>;
  createIndexes(indexes: IndexSpec[]): Promise<void>;
  drop(): Promise<void>;
  /** Renames this collection, replacing any collection of that name (a rebuilt read model takes over). */
  renameTo(name: string): Promise<void>;
}

export interface ReadStore {
  collection<T extends Document = Document>(name: string): ReadCollection<T>;
  /** Names of the collections that hold documents. */
  listCollections(): Promise<string[]>;
  ping(): Promise<void>;
  /**
   * Makes what was deleted or replaced unrecoverable from the store's own files, as far as the
   * store can (after an erasure, docs/privacy.md): SQLite overwrites freed content as it goes
   * and truncates its write-ahead log here; memory has no files; MongoDB frees the space as it
   * compacts, out of our hands.
   */
  purge(): Promise<void>;
  close(): Promise<void>;
}

/** A write broke a unique index. */
export class DuplicateKeyError extends Error {
  constructor(readonly collection: string, readonly index: string) {
    super(`Duplicate key in ${collection} for index ${index}`);
    this.name = 'DuplicateKeyError';
  }
}
