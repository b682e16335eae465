import { Collection, Db, MongoClient, MongoServerError } from 'mongodb';
import {
  Document,
  DuplicateKeyError,
  Filter,
  FindOptions,
  IndexSpec,
  PageOptions,
  ReadCollection,
  ReplaceOptions,
  ReadStore,
  ScanOptions,
  UpdateResult,
  UpdateSpec,
} from './read-store.port';

/** MongoDB through the official driver. Kept within what FerretDB also serves, so CI tests what production runs. */
export class MongoReadStore implements ReadStore {
  private readonly client: MongoClient;
  private readonly db: Db;

  constructor(url: string, databaseName?: string) {
    this.client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
    this.db = this.client.db(databaseName);
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  collection<T extends Document = Document>(name: string): ReadCollection<T> {
    return new MongoCollection<T>(this.db.collection(name) as unknown as Collection<T>);
  }

  async listCollections(): Promise<string[]> {
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return collections.map((c) => c.name);
  }

  /** WiredTiger reuses and compacts freed space on its own schedule (docs/privacy.md). */
  async purge(): Promise<void> {}

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

class MongoCollection<T extends Document> implements ReadCollection<T> {
  constructor(private readonly collection: Collection<T>) {}

  async findOne(filter: Filter, options: Pick<FindOptions, 'projection'> = {}): Promise<T | null> {
    return (await this.collection.findOne(filter as never, { projection: options.projection })) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.collection.find(filter as never, { projection: options.projection });
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as T[];
  }

  async findPage(filter: Filter, options: PageOptions): Promise<{ docs: T[]; total: number }> {
    const [docs, total] = await Promise.all([this.find(filter, options), this.collection.countDocuments(filter as never, options.countLimit === undefined ? {} : { limit: options.countLimit })]);
    return { docs, total };
  }

  async *scan(filter: Filter, options: ScanOptions): AsyncIterable<T[]> {
    const cursor = this.collection.find(filter as never, { projection: options.projection }).sort(options.sort).batchSize(options.batchSize);
    let batch: T[] = [];
    for await (const doc of cursor) {
      batch.push(doc as T);
      if (batch.length >= options.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async countDocuments(filter: Filter): Promise<number> {
    return this.collection.countDocuments(filter as never);
  }

  async insertOne(doc: T): Promise<void> {
    await translateDuplicate(this.collection.collectionName, () => this.collection.insertOne(doc as never));
  }

  async replaceOne(filter: Filter, doc: T, options: ReplaceOptions = {}): Promise<UpdateResult> {
    const result = await translateDuplicate(this.collection.collectionName, () =>
      this.collection.replaceOne(filter as never, doc as never, { upsert: options.upsert }),
    );
    return { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedCount: result.upsertedCount };
  }

  async updateOne(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const result = await translateDuplicate(this.collection.collectionName, () =>
      this.collection.updateOne(filter as never, update as never, { upsert: options.upsert }),
    );
    return { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedCount: result.upsertedCount };
  }

  async updateMany(filter: Filter, update: UpdateSpec): Promise<UpdateResult> {
    const result = await this.collection.updateMany(filter as never, update as never);
    return { matchedCount: result.matchedCount, modifiedCount: result.modifiedCount, upsertedCount: result.upsertedCount };
  }

  async deleteOne(filter: Filter): Promise<{ deletedCount: number }> {
    return { deletedCount: (await this.collection.deleteOne(filter as never)).deletedCount };
  }

  async deleteMany(filter: Filter): Promise<{ deletedCount: number }> {
    return { deletedCount: (await this.collection.deleteMany(filter as never)).deletedCount };
  }

  /** Creates the indexes that do not exist yet (by name); re-creating existing ones is skipped. */
  async createIndexes(indexes: IndexSpec[]): Promise<void> {
    const existing = new Set(
      (await this.collection.listIndexes().toArray().catch(() => [])).map((index) => index.name as string),
    );
    const missing = indexes.filter((index) => !index.name || !existing.has(index.name));
    if (missing.length === 0) return;
    await this.collection.createIndexes(
      missing.map((index) => ({ key: index.keys, ...(index.unique && { unique: true }), ...(index.name && { name: index.name }) })),
    );
  }

  /**
   * MongoDB replaces the target atomically (`dropTarget`). Servers without it (FerretDB) get a
   * drop, then the rename: the target is missing for that moment only.
   */
  async renameTo(name: string): Promise<void> {
    try {
      await this.collection.rename(name, { dropTarget: true });
    } catch (error) {
      if (!(error instanceof MongoServerError && /dropTarget/.test(error.message))) throw error;
      await this.collection.db.collection(name).drop().catch(() => undefined);
      await this.collection.rename(name);
    }
  }

  async drop(): Promise<void> {
    await this.collection.drop().catch((error: unknown) => {
      if (!(error instanceof MongoServerError && error.codeName === 'NamespaceNotFound')) throw error;
    });
  }
}

async function translateDuplicate<R>(collection: string, write: () => Promise<R>): Promise<R> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof MongoServerError && error.code === 11000) throw new DuplicateKeyError(collection, String(error.message));
    throw error;
  }
}
