/**
 * Runs pieces of work concurrently across keys and strictly in order within a key, with a bound
 * on how many are in flight. A piece may hold several keys (it then waits for the earlier work
 * of each). A piece whose predecessor under a key failed does not run (it fails too): what comes
 * later for a key never overtakes what came before it.
 */
export class KeyedPipeline {
  private readonly tails = new Map<string, Promise<void>>();
  private inFlight = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`A pipeline needs room for at least one piece of work, not ${limit}`);
  }

  /** Resolves once fewer than `limit` pieces are in flight. */
  async room(): Promise<void> {
    while (this.inFlight >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Starts `work` after the earlier work of each of its keys; resolves or rejects with it. */
  run(keys: readonly string[], work: () => Promise<void>): Promise<void> {
    const earlier = [...new Set(keys)].flatMap((key) => this.tails.get(key) ?? []);
    const result = (earlier.length === 0 ? Promise.resolve() : earlier.length === 1 ? earlier[0] : Promise.all(earlier)).then(work);
    for (const key of keys) this.tails.set(key, result);
    this.inFlight++;
    const release = () => {
      for (const key of keys) if (this.tails.get(key) === result) this.tails.delete(key);
      this.inFlight--;
      this.waiting.shift()?.();
    };
    result.then(release, release);
    return result;
  }
}
