import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every metric the keeper exports, on its own registry (never the global one, so tests and
 * several keepers in one process do not collide). Labels: `market` everywhere, plus `action`,
 * `status`, `reason` where they say what happened.
 */
export class KeeperMetrics {
  readonly registry = new Registry();
  readonly ticks: Counter<"market" | "outcome">;
  readonly decisions: Counter<"market" | "action" | "status">;
  readonly txSent: Counter<"market" | "action">;
  readonly txFailed: Counter<"market" | "reason">;
  readonly gasUsed: Counter<"market">;
  readonly budget: Gauge<"market">;
  readonly markOracleGapBps: Gauge<"market">;
  readonly consecutiveFailures: Gauge<"market">;
  readonly halted: Gauge<"market">;
  readonly blockedTicks: Gauge<"market" | "cause">;
  readonly healthy: Gauge<"market">;
  readonly tickDuration: Histogram<"market">;
  readonly leaseActive: Gauge<"replica">;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.ticks = new Counter({ name: "damm_keeper_ticks_total", help: "Ticks run, by outcome (ok, failed, halted)", labelNames: ["market", "outcome"], registers });
    this.decisions = new Counter({ name: "damm_keeper_decisions_total", help: "Policy decisions by action and final journal status", labelNames: ["market", "action", "status"], registers });
    this.txSent = new Counter({ name: "damm_keeper_tx_sent_total", help: "Hook transactions broadcast", labelNames: ["market", "action"], registers });
    this.txFailed = new Counter({ name: "damm_keeper_tx_failed_total", help: "Hook transactions reverted, timed out or refused at send", labelNames: ["market", "reason"], registers });
    this.gasUsed = new Counter({ name: "damm_keeper_gas_used_total", help: "Gas used by confirmed or reverted hook transactions", labelNames: ["market"], registers });
    this.budget = new Gauge({ name: "damm_keeper_market_budget", help: "Market adjustment budget (quote units) at the last tick", labelNames: ["market"], registers });
    this.markOracleGapBps = new Gauge({ name: "damm_keeper_mark_oracle_gap_bps", help: "(mark - oracle) / oracle in bps at the last tick", labelNames: ["market"], registers });
    this.consecutiveFailures = new Gauge({ name: "damm_keeper_consecutive_failures", help: "Consecutive failed ticks of a job", labelNames: ["market"], registers });
    this.halted = new Gauge({ name: "damm_keeper_job_halted", help: "1 when the market job has halted", labelNames: ["market"], registers });
    this.blockedTicks = new Gauge({
      name: "damm_keeper_blocked_ticks",
      help: "Consecutive ticks the job could not act, by cause (stale-oracle, cooldown, move-cap, missing-role, no-new-block); unhealthy from unhealthyAfterTicks",
      labelNames: ["market", "cause"],
      registers,
    });
    this.healthy = new Gauge({ name: "damm_keeper_job_healthy", help: "1 when the market job reports healthy (as /healthz)", labelNames: ["market"], registers });
    this.tickDuration = new Histogram({
      name: "damm_keeper_tick_duration_seconds",
      help: "Wall time of one tick",
      labelNames: ["market"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.leaseActive = new Gauge({ name: "damm_keeper_lease_active", help: "1 while this replica holds the redundant keepers' lease (shared journal only); alert when no replica reports 1", labelNames: ["replica"], registers });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "damm_keeper_" });
  }
}
