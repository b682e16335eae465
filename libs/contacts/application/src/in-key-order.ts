/**
 * Runs `work` on each item, up to `concurrency` at once, started in the items' order; items
 * that share a key wait for each other and run in their order. Resolves with the results in
 * the items' order. The first error stops the starting of more items and is thrown once every
 * started one has settled, so nothing is left running behind the caller's back.
 */
export async function inKeyOrder<T, R>(
  items: readonly T[],
  keysOf: (item: T) => Iterable<string>,
  work: (item: T, index: number) => Promise<R>,
  concurrency: number,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const lastWithKey = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const [index, item] of items.entries()) {
    while (running.size >= Math.max(1, concurrency)) await Promise.race(running);
    if (failure) break;
    const keys = [...new Set(keysOf(item))];
    const before = keys.map((key) => lastWithKey.get(key)).filter((earlier): earlier is Promise<void> => earlier !== undefined);
    const done = Promise.all(before)
      .then(async () => {
        if (!failure) results[index] = await work(item, index);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
    for (const key of keys) lastWithKey.set(key, done);
    running.add(done);
    void done.then(() => running.delete(done));
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return results;
}
