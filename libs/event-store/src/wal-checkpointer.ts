import { Worker } from 'node:worker_threads';

/** How long after a commit the checkpointer copies the WAL back (commits in between share it). */
const CHECKPOINT_DELAY_MS = 100;
/** How long a close waits for the thread to close its connection to the file before going on without. */
const CLOSE_WAIT_MS = 2_000;

// The thread's code: one connection per file, a PASSIVE checkpoint when asked. PASSIVE never
// waits for readers or writers, so the committing thread is never held up by it; frames a
// reader still needs are copied by a later checkpoint, and the next commit after a complete
// one starts the WAL over.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const connections = new Map();
parentPort.on('message', ({ kind, file }) => {
  try {
    if (kind === 'open') connections.set(file, new Database(file, { timeout: 0 }));
    else if (kind === 'close') { connections.get(file)?.close(); connections.delete(file); }
    else connections.get(file)?.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Busy (another process checkpoints the file) or closing: the next commit asks again.
  }
  if (kind === 'close') parentPort.postMessage({ closed: file });
});
`;

/**
 * Runs the WAL checkpoints of the process's SQLite event stores on a thread of their own. A
 * checkpoint copies the WAL into the database and syncs both files to disk; left to SQLite's
 * auto-checkpoint it runs inside a commit on the event loop, once every thousand pages, and its
 * two fsyncs were 60% of an append's time on the bench machine (0.54 ms a create's
 * append, 0.21 ms without them). With synchronous=NORMAL a commit itself does not sync, so this
 * takes every fsync off the event loop; durability is as before (the WAL is synced at each
 * checkpoint). One thread serves every store of the process.
 */
export class WalCheckpointer {
  private static current: WalCheckpointer | undefined;
  private readonly worker: Worker;
  /** The stores open on each file (a file may be opened twice, e.g. reopened before the first closes). */
  private readonly files = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly closing = new Map<string, (() => void)[]>();

  private constructor() {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { sqlite: require.resolve('better-sqlite3') } });
    this.worker.on('message', ({ closed }: { closed: string }) => this.closed(closed));
    // A thread that fails (it cannot open a file) only loses checkpoints: SQLite's backstop remains.
    this.worker.on('error', () => [...this.closing.keys()].forEach((file) => this.closed(file)));
    // After the listeners: adding a 'message' listener refs the worker again, and a store a test
    // never closed would then keep the process alive.
    this.worker.unref();
  }

  /** The process's checkpointer, started with its first file. */
  static forFile(file: string): WalCheckpointer {
    const checkpointer = (WalCheckpointer.current ??= new WalCheckpointer());
    const stores = checkpointer.files.get(file) ?? 0;
    checkpointer.files.set(file, stores + 1);
    if (stores === 0) checkpointer.worker.postMessage({ kind: 'open', file });
    return checkpointer;
  }

  /** A commit to `file` landed: checkpoint it shortly (one checkpoint for the commits until then). */
  committed(file: string): void {
    if (this.pending.has(file)) return;
    const timer = setTimeout(() => {
      this.pending.delete(file);
      this.worker.postMessage({ kind: 'checkpoint', file });
    }, CHECKPOINT_DELAY_MS);
    timer.unref();
    this.pending.set(file, timer);
  }

  private closed(file: string): void {
    const waiting = this.closing.get(file) ?? [];
    this.closing.delete(file);
    waiting.forEach((resolve) => resolve());
  }

  /** Closes the thread's connection to `file`; the thread ends with its last file. */
  async release(file: string): Promise<void> {
    const stores = (this.files.get(file) ?? 1) - 1;
    if (stores > 0) {
      this.files.set(file, stores);
      return;
    }
    clearTimeout(this.pending.get(file));
    this.pending.delete(file);
    this.files.delete(file);
    await new Promise<void>((resolve) => {
      // Not unref'd: the thread is, so this timer is what keeps the process alive until the reply.
      const timer = setTimeout(() => this.closed(file), CLOSE_WAIT_MS);
      this.closing.set(file, [...(this.closing.get(file) ?? []), () => (clearTimeout(timer), resolve())]);
      this.worker.postMessage({ kind: 'close', file });
    });
    if (this.files.size === 0 && WalCheckpointer.current === this) {
      WalCheckpointer.current = undefined;
      await this.worker.terminate();
    }
  }
}
