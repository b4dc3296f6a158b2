import type { Logger } from "pino";
import type { JobHealth, ServiceJob, TickReport } from "../job";
import type { KeeperMetrics } from "../metrics";
import type { PgLease } from "./lease";

/**
 * One market's job on a redundant keeper: ticks only while this replica holds the lease. A
 * standby replica does nothing but try to take the lease every `renewMs` (so it takes over at most
 * ttlMs + renewMs after the active one died); on each new term it first reconciles the journal
 * (the inner job's init: rows the previous holder left open are settled from the chain) and then
 * runs the usual ticks.
 */
export class LeasedJob implements ServiceJob {
  readonly name: string;
  /** Lease epoch the inner job was (re)initialised for; 0 = standby. */
  private term = 0;

  constructor(
    private readonly inner: ServiceJob,
    private readonly lease: PgLease,
    private readonly log: Logger,
    private readonly metrics?: KeeperMetrics,
  ) {
    this.name = inner.name;
  }

  get active(): boolean {
    return this.term !== 0 && this.term === this.lease.currentEpoch;
  }

  async init(): Promise<void> {
    // Nothing until the lease is ours: the active replica is working on this journal.
  }

  async tick(): Promise<TickReport> {
    const standby = { nextDelayMs: this.lease.settings.renewMs };
    let held: boolean;
    try {
      held = await this.lease.hold();
    } catch (e) {
      this.log.warn({ err: e }, "lease check failed");
      held = false;
    }
    this.metrics?.leaseActive.set({ replica: this.lease.settings.replica }, held ? 1 : 0);
    if (!held) {
      if (this.term !== 0) this.log.warn({ term: this.term }, "no longer active: standing by");
      this.term = 0;
      return standby;
    }
    const epoch = this.lease.currentEpoch;
    if (epoch !== this.term) {
      this.log.info({ epoch }, "active: reconciling the journal before the first tick of this term");
      await this.inner.init();
      this.term = epoch;
    }
    return this.inner.tick();
  }

  healthCheck(): JobHealth {
    if (!this.active) return { healthy: true, reason: `standby: replica ${this.lease.settings.replica} does not hold the lease` };
    return this.inner.healthCheck();
  }

  async stop(): Promise<void> {
    await this.inner.stop();
  }
}
