import { siteDocumentId } from '@cp/contracts';
import { HeldLease, LeaseStore, ProjectionLogger } from '@cp/projection';

/** How often every replica looks for unfinished jobs that nobody runs (their runner died). */
const SWEEP_INTERVAL_MS = 5_000;

/** A job of one kind, run by `run` while `leaseHeld()` says this replica still holds its lease. */
export type LeasedJobRun = (siteId: string, jobId: string, leaseHeld: () => boolean) => Promise<void>;

/**
 * Background jobs of one kind (bulk jobs, imports), each run on one replica at a time: the one
 * holding its lease (`<kind>:<siteKey>:<jobId>`). Every replica sweeps for unfinished jobs every
 * SWEEP_INTERVAL_MS, so a job whose runner died is taken over once its lease expires.
 */
export class LeasedJobs {
  private readonly running = new Map<string, Promise<void>>();
  private sweep: NodeJS.Timeout | undefined;
  stopping = false;

  constructor(
    private readonly kind: string,
    private readonly leases: LeaseStore,
    private readonly logger: ProjectionLogger,
    private readonly run: LeasedJobRun,
    private readonly unfinished: () => Promise<{ siteId: string; jobId: string }[]>,
  ) {}

  /** Runs the job here, unless it runs here already or another replica holds its lease. */
  start(siteId: string, jobId: string): void {
    if (this.running.has(jobId) || this.stopping) return;
    const run = this.runLeased(siteId, jobId)
      .catch((error) => this.logger.error(`${this.kind} ${jobId} stopped: ${error instanceof Error ? error.stack : String(error)}`))
      .finally(() => this.running.delete(jobId));
    this.running.set(jobId, run);
  }

  /** Picks up every unfinished job that nobody runs, now and every SWEEP_INTERVAL_MS until stopped. */
  async resumeUnfinished(): Promise<void> {
    if (this.sweep === undefined && !this.stopping) {
      this.sweep = setInterval(() => void this.resumeUnfinished().catch((error) => this.logger.warn(`looking for unfinished ${this.kind}s failed: ${String(error)}`)), SWEEP_INTERVAL_MS);
      this.sweep.unref();
    }
    for (const { siteId, jobId } of await this.unfinished()) this.start(siteId, jobId);
  }

  /** Resolves when the jobs running now have finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Lets running jobs finish their current step and record it; they resume on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweep);
    this.sweep = undefined;
    await this.idle();
  }

  private async runLeased(siteId: string, jobId: string): Promise<void> {
    const lease = new HeldLease(this.leases, `${this.kind}:${siteDocumentId(siteId, jobId)}`, {
      onLost: () => this.logger.warn(`${this.kind} ${jobId}: its lease went to another replica; this one stops after its current step`),
    });
    if (!(await lease.tryAcquire())) return; // another replica runs it
    try {
      await this.run(siteId, jobId, () => lease.held);
    } finally {
      await lease.release().catch(() => undefined); // it expires on its own
    }
  }
}
