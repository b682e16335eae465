import { Document, DuplicateKeyError, ReadCollection } from './read-store.port';

/**
 * Writes `next` in place of `seen` only if the stored document is still the one read (the same
 * `_id` at the same revision: `version` names the field that counts the document's changes,
 * `revision` unless said), or inserts it if none was read and none is there yet. False when
 * another writer got there first: the caller reads again and decides again. This is how
 * replicas sharing a read store write the same documents without putting an older state back.
 */
export async function replaceIfUnchanged<T extends Document>(
  collection: ReadCollection<T>,
  seen: T | null,
  next: T,
  { owned = false, version = 'revision' }: { owned?: boolean; version?: keyof T & string } = {},
): Promise<boolean> {
  if (seen) return (await collection.replaceOne({ _id: seen._id, [version]: seen[version] }, next, { owned })).matchedCount === 1;
  try {
    await collection.insertOne(next);
    return true;
  } catch (error) {
    // Only the document's own id means someone else inserted it; any other unique index is the caller's error.
    if (error instanceof DuplicateKeyError && (await collection.findOne({ _id: next._id }, { readOnly: true }))) return false;
    throw error;
  }
}
