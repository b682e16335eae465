import { Document, DuplicateKeyError, ReadStore } from '@cp/read-store';
import { CheckpointStore } from './checkpoint-store';

interface CheckpointDocument extends Document {
  position: number;
  updatedAt: string;
}

export const CHECKPOINTS_COLLECTION = 'projection_checkpoints';

/** Where a projection got to in the global event order, kept beside the read model it feeds. */
export class ProjectionCheckpoints implements CheckpointStore {
  constructor(private readonly store: ReadStore) {}

  async load(projection: string): Promise<number> {
    const doc = await this.store.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION).findOne({ _id: projection });
    return doc?.position ?? 0;
  }

  async save(projection: string, position: number): Promise<void> {
    const upsert = () =>
      this.store
        .collection<CheckpointDocument>(CHECKPOINTS_COLLECTION)
        .updateOne({ _id: projection }, { $set: { position, updatedAt: new Date().toISOString() } }, { upsert: true });
    try {
      await upsert();
    } catch (error) {
      // Two replicas sharing the read store both inserted the first checkpoint: the document is there now.
      if (!(error instanceof DuplicateKeyError)) throw error;
      await upsert();
    }
  }

  async reset(projection: string): Promise<void> {
    await this.store.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION).deleteOne({ _id: projection });
  }
}
