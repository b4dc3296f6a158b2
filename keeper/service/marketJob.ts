import type { Logger } from "pino";
import type { Decision, Policy } from "../core/policyTypes";
import { FailureCounter, backoffDelayMs } from "./backoff";
import type { ChainReader, HookCall, HookPreview, MarketGateway, MarketSnapshot, TxSender } from "./chain/types";
import type { BackoffConfig, EconomicsConfig, GasConfig } from "./config/schema";
import { type ClassifiedError, type ErrorClassifier } from "./errors/classifyError";
import type { JobHealth, ServiceJob, TickReport } from "./job";
import type { JournalStore } from "./journal/store";
import type { KeeperMetrics } from "./metrics";
import { VolatilityEstimator } from "../core/volatility";
import { gapBps, toObservation, wadToNumber } from "./observation";
import { planFromSnapshot } from "./planInput";
import { reconcileOpenDecisions } from "./reconcile";
import { marketStatus, type MarketStatus } from "./status";

export interface MarketJobSettings {
  readonly dryRun: boolean;
  readonly intervalMs: number;
  readonly txReceiptTimeoutMs: number;
  readonly maxConsecutiveFailures: number;
  readonly gas: GasConfig;
  readonly backoff: BackoffConfig;
  readonly economics: EconomicsConfig;
  /** Shrink a repeg that would not fit min(budget, daily-cap headroom) (core/hookPlanner); default on. */
  readonly fitToBudget?: boolean;
  /** A fitted repeg below either minimum is skipped (core/hookPlanner defaults when absent). */
  readonly minRepegBps?: number;
  readonly minFitFraction?: number;
  /** Consecutive ticks blocked (stale oracle, cooldown, missing role, no new block) before the job reports unhealthy; default 5. */
  readonly unhealthyAfterTicks?: number;
  /** Level of the one line per tick ("tick", its outcome); default debug, so a quiet tick shows at --log-level debug. */
  readonly tickLogLevel?: "trace" | "debug" | "info";
}

/** Why a tick could not act; `unhealthyAfterTicks` of them in a row make the job unhealthy. */
export type BlockCause = "stale-oracle" | "cooldown" | "move-cap" | "missing-role" | "no-new-block";
export const BLOCK_CAUSES: readonly BlockCause[] = ["stale-oracle", "cooldown", "move-cap", "missing-role", "no-new-block"];
const DEFAULT_UNHEALTHY_AFTER_TICKS = 5;

export interface MarketJobDeps {
  readonly market: string;
  readonly gateway: MarketGateway;
  /** Reads receipts, nonces and fees (reconciliation, gas pricing). */
  readonly chain: ChainReader;
  /** Absent only in a key-less dry run. */
  readonly sender?: TxSender;
  readonly keeperAddress?: string;
  readonly policy: Policy;
  readonly journal: JournalStore;
  readonly classifier: ErrorClassifier;
  readonly metrics: KeeperMetrics;
  readonly log: Logger;
  readonly settings: MarketJobSettings;
}

/** How one tick ended, for logs and tests. */
export type TickOutcome =
  | "pending-tx" // an earlier transaction is still in the mempool: nothing new is decided
  | "same-slot" // this block already has a decision for the market
  | "skipped"
  | "dry-run"
  | "confirmed"
  | "reverted"
  | "receipt-timeout"
  | "failed"
  | "halted";

/**
 * One market's keeper loop body: reconcile → read → decide → journal → plan → preview → simulate
 * → price the gas → send → wait → record. Every decision is journaled before anything is sent;
 * in dry-run (shadow) mode the same decisions are journaled and nothing is sent.
 */
export class MarketJob implements ServiceJob {
  readonly name: string;
  lastOutcome?: TickOutcome;
  private halted = false;
  private haltReason?: string;
  private initialized = false;
  private readonly failures: FailureCounter;
  /** Consecutive ticks refused because the market / protocol is paused: drives the pause backoff. */
  private pausedTicks = 0;
  private pausedReason?: string;
  private readonly volatility = new VolatilityEstimator();
  private snapshot?: MarketSnapshot;
  /** What blocked the current tick (set while it runs), and the streak of blocked ticks. */
  private tickBlock?: { cause: BlockCause; reason: string };
  private blocked: { streak: number; cause?: BlockCause; reason?: string } = { streak: 0 };
  /** Last role check's answer (undefined: not checked / not checkable), and ticks since it ran. */
  private roleMissing?: boolean;
  private ticksSinceRoleCheck = 0;

  constructor(private readonly deps: MarketJobDeps) {
    this.name = deps.market;
    const s = deps.settings;
    this.failures = new FailureCounter(s.maxConsecutiveFailures, s.backoff.baseMs, s.backoff.capMs);
  }

  get isHalted(): boolean {
    return this.halted;
  }

  get whyHalted(): string | undefined {
    return this.haltReason;
  }

  /** The last chain read (the dashboard's live figures); undefined before the first tick read. */
  get lastSnapshot(): MarketSnapshot | undefined {
    return this.snapshot;
  }

  async init(): Promise<void> {
    const { journal, chain, keeperAddress, market, log, metrics } = this.deps;
    metrics.halted.set({ market }, 0);
    metrics.consecutiveFailures.set({ market }, 0);
    const settled = await reconcileOpenDecisions(journal, chain, keeperAddress, market, log);
    if (settled.length > 0) log.info({ settled }, "resumed: open decisions reconciled");
    await this.checkRole("startup");
    // A live keeper without its role cannot act at all: unhealthy from the start, not N ticks later.
    if (this.roleMissing && !this.deps.settings.dryRun) {
      this.blocked = { streak: this.unhealthyAfter, cause: "missing-role", reason: this.missingRoleReason() };
      this.publishBlocked();
    }
    this.initialized = true;
  }

  private get unhealthyAfter(): number {
    return this.deps.settings.unhealthyAfterTicks ?? DEFAULT_UNHEALTHY_AFTER_TICKS;
  }

  private missingRoleReason(): string {
    return `${this.deps.keeperAddress} lacks KEEPER_ROLE on ${this.deps.market} (README "Roles": grant it through the timelock)`;
  }

  /** Asks the market whether the keeper's address holds KEEPER_ROLE (logs a change of answer). */
  private async checkRole(when: "startup" | "periodic"): Promise<void> {
    const { gateway, keeperAddress, log, settings } = this.deps;
    this.ticksSinceRoleCheck = 0;
    if (!keeperAddress || !gateway.hasKeeperRole) return;
    let has: boolean;
    try {
      has = await gateway.hasKeeperRole(keeperAddress);
    } catch (e) {
      log.warn({ err: e, when }, "role check failed (the next check retries)");
      return;
    }
    const wasMissing = this.roleMissing;
    this.roleMissing = !has;
    if (!has && (wasMissing !== true || when === "startup")) {
      const line = { when, keeper: keeperAddress, dryRun: settings.dryRun };
      if (settings.dryRun) log.warn(line, "role check: the keeper's address lacks KEEPER_ROLE (dry run: nothing is sent)");
      else log.error(line, "role check: the keeper's address lacks KEEPER_ROLE; every hook would be refused");
    } else if (has && (wasMissing === true || when === "startup")) {
      log.info({ when, keeper: keeperAddress }, "role check: KEEPER_ROLE held");
    }
  }

  /** Marks the running tick as unable to act (the last cause found wins). */
  private block(cause: BlockCause, reason: string): void {
    this.tickBlock = { cause, reason };
  }

  /** Folds the tick's block (or its absence) into the streak, the metrics and a log line on each change of health. */
  private endTick(): void {
    const b = this.tickBlock;
    const wasUnhealthy = this.blocked.streak >= this.unhealthyAfter;
    this.blocked = b ? { streak: this.blocked.streak + 1, cause: b.cause, reason: b.reason } : { streak: 0 };
    const isUnhealthy = this.blocked.streak >= this.unhealthyAfter;
    this.publishBlocked();
    if (isUnhealthy && !wasUnhealthy) this.deps.log.warn({ cause: b?.cause, reason: b?.reason, ticks: this.blocked.streak }, "unhealthy: the keeper cannot act");
    else if (wasUnhealthy && !isUnhealthy) this.deps.log.info("healthy again: the keeper can act");
  }

  private publishBlocked(): void {
    const { metrics, market } = this.deps;
    for (const cause of BLOCK_CAUSES) metrics.blockedTicks.set({ market, cause }, cause === this.blocked.cause ? this.blocked.streak : 0);
    metrics.healthy.set({ market }, this.healthCheck().healthy ? 1 : 0);
  }

  healthCheck(): JobHealth {
    if (!this.initialized && this.blocked.streak === 0) return { healthy: false, reason: "not initialised" };
    if (this.halted) return { healthy: false, reason: `halted: ${this.haltReason}` };
    if (this.blocked.streak >= this.unhealthyAfter) return { healthy: false, reason: `cannot act for ${this.blocked.streak} ticks (${this.blocked.cause}): ${this.blocked.reason}` };
    if (!this.initialized) return { healthy: false, reason: "not initialised" };
    if (this.pausedTicks > 0) return { healthy: true, reason: `paused (${this.pausedTicks} ticks): ${this.pausedReason}` };
    return { healthy: true, ...(this.failures.consecutive > 0 ? { reason: `${this.failures.consecutive} consecutive failures` } : {}) };
  }

  async stop(): Promise<void> {
    this.deps.log.info("market job stopped");
  }

  /** The read-only status screen's data (`npm run keeper -- status`): chain, journal and a previewed next tick. */
  status(decisions = 5): Promise<MarketStatus> {
    const { market, gateway, journal, policy, classifier, keeperAddress, settings } = this.deps;
    return marketStatus({ market, gateway, journal, policy, classifier, keeperAddress, settings, decisions });
  }

  async tick(): Promise<TickReport> {
    const { metrics, market } = this.deps;
    if (this.halted) return { nextDelayMs: 0, halted: true };
    const endTimer = metrics.tickDuration.startTimer({ market });
    let report: TickReport;
    this.tickBlock = undefined;
    try {
      if (++this.ticksSinceRoleCheck >= this.unhealthyAfter) {
        const before = this.roleMissing;
        await this.checkRole("periodic");
        // A lost role does not come back by itself: unhealthy on the tick that finds it (so within N ticks).
        if (this.roleMissing && before !== true && !this.deps.settings.dryRun) this.blocked.streak = Math.max(this.blocked.streak, this.unhealthyAfter - 1);
      }
      report = await this.runTick();
    } catch (e) {
      report = this.onFailure(this.classify(e), "tick");
    } finally {
      endTimer();
    }
    this.endTick();
    metrics.ticks.inc({ market, outcome: report.halted ? "halted" : this.lastOutcome === "failed" ? "failed" : "ok" });
    const b = this.tickBlock as { cause: BlockCause; reason: string } | undefined;
    this.deps.log[this.deps.settings.tickLogLevel ?? "debug"]({ outcome: this.lastOutcome, ...(b ? { blocked: b.cause, blockedTicks: this.blocked.streak } : {}) }, "tick");
    return report;
  }

  private async runTick(): Promise<TickReport> {
    const { journal, chain, keeperAddress, market, policy, metrics, settings } = this.deps;
    const ok = (outcome: TickOutcome): TickReport => {
      this.lastOutcome = outcome;
      this.succeed();
      return { nextDelayMs: settings.intervalMs };
    };

    if (this.roleMissing && !settings.dryRun) this.block("missing-role", this.missingRoleReason());
    // 1. Nothing new while an earlier transaction of this market may still land.
    const open = await reconcileOpenDecisions(journal, chain, keeperAddress, market, this.deps.log);
    if (open.some((r) => r.outcome === "pending")) return ok("pending-tx");

    // 2. Read one consistent snapshot; the block number is the decision slot.
    const snap = await this.deps.gateway.read();
    this.snapshot = snap;
    // The per-tick child logger (adds `block`) is built only when a line is actually logged.
    let blockLog: Logger | undefined;
    const log = (): Logger => (blockLog ??= this.deps.log.child({ block: snap.blockNumber }));
    metrics.budget.set({ market }, wadToNumber(snap.budget));
    metrics.markOracleGapBps.set({ market }, gapBps(snap.mark, snap.oracle));
    const oracleAge = snap.blockTimestamp - snap.oracleUpdatedAt;
    if (snap.oracleMaxAgeSec !== undefined && oracleAge > snap.oracleMaxAgeSec) {
      this.block("stale-oracle", `oracle answer ${oracleAge} s old at block ${snap.blockNumber}; hooks accept at most ${snap.oracleMaxAgeSec} s`);
    }
    if (await journal.hasLiveDecision(market, snap.blockNumber)) {
      this.block("no-new-block", `no block after ${snap.blockNumber} (a node that mines only on transactions needs interval mining or a feeder: README "Run it locally")`);
      return ok("same-slot");
    }

    // 3. Decide and journal the decision with its inputs before acting on it.
    const volatility = this.volatility.update(snap.blockTimestamp, wadToNumber(snap.oracle));
    const obs = toObservation(snap, volatility, await journal.lastConfirmedTimestamp(market));
    const decision = policy.decide(obs);
    // 4 (planned here so the call is journaled in the decision's own INSERT: one write, not two).
    // Plan the exact call inside the market's guards (and, for a repeg, inside the budget).
    let plan: ReturnType<typeof planFromSnapshot> | undefined;
    let planError: unknown;
    try {
      plan = planFromSnapshot(decision.action, snap, { fitToBudget: settings.fitToBudget ?? true, minRepegBps: settings.minRepegBps, minFitFraction: settings.minFitFraction });
    } catch (e) {
      planError = e; // thrown after the decision is journaled, as before
    }
    const planned = plan && "call" in plan ? { callKind: plan.call.kind, callTarget: plan.call.target, requestedTarget: plan.requested?.target ?? plan.call.target } : undefined;
    const id = await journal.insertDecision({
      market,
      slot: snap.blockNumber,
      blockTimestamp: snap.blockTimestamp,
      dryRun: settings.dryRun,
      policy: policy.name,
      observation: obs,
      stateIndex: decision.stateIndex,
      actionIndex: decision.actionIndex,
      qValues: decision.qValues,
      action: decision.action,
      ...(planned ? { planned } : {}),
    });
    if (id === null) return ok("same-slot");
    const action = decision.action.kind;
    const journalSkip = async (reason: string, errorClass?: string): Promise<void> => {
      await journal.markSkipped(id, reason, errorClass);
      metrics.decisions.inc({ market, action, status: "skipped" });
      log().info({ decisionId: id, action: decision.action, reason, errorClass }, "decision skipped");
    };
    const skip = async (reason: string, errorClass?: string): Promise<TickReport> => {
      await journalSkip(reason, errorClass);
      return ok("skipped");
    };

    // 4. The planned call (and what was asked for) is already journaled with the decision, so a
    // refused preview still shows it.
    if (!plan) throw planError;
    if ("skip" in plan) return skip(plan.skip);
    const call = plan.call;
    const requestedTarget = planned!.requestedTarget;
    if (plan.note) log().info({ decisionId: id, note: plan.note }, "repeg fitted to the budget");

    // 5-6. Preview with the on-chain views, simulate the hook itself from the keeper's address and
    // quote the fee: independent reads, issued together (one JSON-RPC round), then judged in this
    // order, so a refused preview is reported as such even when the simulation failed too.
    const [pv, sim, feeQ] = await Promise.allSettled([
      this.deps.gateway.preview(call),
      this.deps.gateway.simulate(call),
      chain.feeQuote({ blockNumber: snap.blockNumber, baseFeePerGas: snap.baseFeePerGas }),
    ]);
    if (pv.status === "rejected") return await this.refused("preview", this.classify(pv.reason), journalSkip, ok);
    const preview: HookPreview = pv.value;
    const gain = this.expectedGain(decision, preview, snap);
    const previewRecord = { callKind: call.kind, callTarget: call.target, requestedTarget, previewCost: preview.cost, previewNewMark: preview.newMark, expectedGain: gain };
    if (preview.cost > snap.budget) {
      await journal.recordPreview(id, previewRecord);
      return skip(`cost ${preview.cost} exceeds budget ${snap.budget}`, "nextBlock");
    }
    if (sim.status === "rejected") {
      await journal.recordPreview(id, previewRecord);
      return await this.refused("simulate", this.classify(sim.reason), journalSkip, ok);
    }
    const gasEstimate = sim.value;
    if (feeQ.status === "rejected") {
      await journal.recordPreview(id, previewRecord);
      throw feeQ.reason; // classified by tick(); the row stays `decided` and is reconciled next tick
    }

    // Price the gas; skip when the fee is above the cap or the update does not pay for itself.
    const fee = feeQ.value;
    const capFee = gweiToWei(settings.gas.maxFeePerGasGwei);
    const priority = min(fee.maxPriorityFeePerGas, gweiToWei(settings.gas.maxPriorityFeePerGasGwei));
    const expectedPrice = fee.baseFeePerGas + priority;
    const gasCostQuote = wadToNumber(gasEstimate * expectedPrice) * settings.economics.nativePriceQuote;
    await journal.recordPreview(id, { ...previewRecord, gasEstimate, gasCostQuote });
    if (gasEstimate > BigInt(settings.gas.maxGasPerTx)) return skip(`gas estimate ${gasEstimate} above maxGasPerTx ${settings.gas.maxGasPerTx}`, "nextBlock");
    if (expectedPrice > capFee) return skip(`gas price ${expectedPrice} wei above maxFeePerGas cap ${capFee}`, "nextBlock");
    if (gasCostQuote > 0 && gain < gasCostQuote) return skip(`expected gain ${gain.toFixed(6)} below gas cost ${gasCostQuote.toFixed(6)}`);

    // 7. Shadow mode stops here: the decision and its preview are journaled, nothing is sent.
    if (settings.dryRun) {
      await journal.markSkipped(id, "dry-run");
      metrics.decisions.inc({ market, action, status: "dry-run" });
      log().info({ decisionId: id, call: describe(call), cost: preview.cost.toString(), newMark: preview.newMark.toString() }, "dry-run decision");
      return ok("dry-run");
    }
    return this.send(id, action, call, gasEstimate, min(capFee, max(fee.maxFeePerGas, expectedPrice)), priority, log);
  }

  private async send(id: number, action: string, call: HookCall, gasEstimate: bigint, maxFeePerGas: bigint, maxPriorityFeePerGas: bigint, blockLog: () => Logger): Promise<TickReport> {
    const { journal, metrics, market, settings, sender } = this.deps;
    if (!sender) {
      await journal.markFailed(id, "no signer: DAMM_KEEPER_KEY is not set");
      return this.halt("misconfigured: live mode needs DAMM_KEEPER_KEY");
    }
    // 25% headroom over the estimate, never above the configured cap.
    const gasLimit = min((gasEstimate * 125n) / 100n, BigInt(settings.gas.maxGasPerTx));
    let hash: string;
    try {
      ({ hash } = await sender.send({ ...this.deps.gateway.encode(call), gasLimit, maxFeePerGas, maxPriorityFeePerGas }, (txHash, nonce) =>
        journal.markSent(id, txHash, nonce),
      ));
    } catch (e) {
      const c = this.classify(e);
      // Signed-and-journaled rows stay `sent`: the reconciler learns whether they landed.
      if ((await journal.get(id))?.status === "decided") await journal.markFailed(id, `send refused: ${c.reason}`, { errorClass: c.errorClass });
      metrics.txFailed.inc({ market, reason: c.name ?? c.errorClass });
      return this.onFailure(c, "send");
    }
    metrics.txSent.inc({ market, action });
    const log = blockLog();
    log.info({ decisionId: id, txHash: hash, call: describe(call) }, "hook transaction sent");

    const receipt = await sender.waitForReceipt(hash, settings.txReceiptTimeoutMs);
    if (!receipt) {
      log.warn({ decisionId: id, txHash: hash, timeoutMs: settings.txReceiptTimeoutMs }, "receipt timeout; the next tick reconciles it");
      metrics.txFailed.inc({ market, reason: "receipt-timeout" });
      this.lastOutcome = "receipt-timeout";
      return { nextDelayMs: settings.intervalMs };
    }
    metrics.gasUsed.inc({ market }, Number(receipt.gasUsed));
    if (receipt.status === 1) {
      await journal.markConfirmed(id, { gasUsed: receipt.gasUsed, cost: receipt.hookCost, blockNumber: receipt.blockNumber });
      metrics.decisions.inc({ market, action, status: "confirmed" });
      log.info({ decisionId: id, txHash: hash, gasUsed: receipt.gasUsed.toString(), cost: receipt.hookCost?.toString() }, "hook confirmed");
      this.lastOutcome = "confirmed";
      this.succeed();
      return { nextDelayMs: settings.intervalMs };
    }
    await journal.markFailed(id, "reverted on-chain (state changed since the simulation)", { gasUsed: receipt.gasUsed, blockNumber: receipt.blockNumber });
    metrics.decisions.inc({ market, action, status: "failed" });
    metrics.txFailed.inc({ market, reason: "reverted" });
    return this.onFailure({ errorClass: "nextBlock", reason: `transaction ${hash} reverted` }, "receipt");
  }

  /**
   * A refusal before sending (preview or simulation). Never a halt unless the keeper itself is
   * misconfigured: a state-dependent guard is a journaled skip (paused: plus a backoff), transport
   * trouble and "never" refusals are journaled and counted toward maxConsecutiveFailures.
   */
  private async refused(where: string, c: ClassifiedError, journalSkip: (reason: string, errorClass?: string) => Promise<void>, ok: (o: TickOutcome) => TickReport): Promise<TickReport> {
    const cause = BLOCKING_ERRORS[c.name ?? ""];
    if (cause) {
      this.block(cause, `${where} refused: ${c.reason}`);
      if (cause === "missing-role") this.roleMissing = true;
    }
    if (c.misconfigured) {
      await journalSkip(`${where} refused: ${c.reason}`, c.errorClass);
      return this.halt(`${where} refused: ${c.misconfigured}`);
    }
    if (c.errorClass === "retryNow") {
      await journalSkip(`${where} failed: ${c.reason}`, c.errorClass);
      return this.onFailure(c, where);
    }
    await journalSkip(`${where} refused: ${c.reason}`, c.errorClass);
    if (c.errorClass === "never") return this.onFailure(c, where);
    if (c.paused) return this.pausedBackoff(c.reason);
    return ok("skipped");
  }

  /** Paused market or protocol: not a failure (the chain answered), but wait longer each time until lifted. */
  private pausedBackoff(reason: string): TickReport {
    const { settings, log } = this.deps;
    this.lastOutcome = "skipped";
    const streak = this.pausedTicks + 1;
    this.succeed();
    this.pausedTicks = streak;
    this.pausedReason = reason;
    const delay = Math.max(settings.intervalMs, backoffDelayMs(this.pausedTicks, settings.backoff.baseMs, settings.backoff.capMs));
    log.warn({ reason, pausedTicks: this.pausedTicks, delayMs: delay }, "market paused; backing off");
    return { nextDelayMs: delay };
  }

  private classify(e: unknown): ClassifiedError {
    return this.deps.classifier.classify(e, { keeperAddress: this.deps.keeperAddress });
  }

  private expectedGain(decision: Decision, preview: HookPreview, snap: MarketSnapshot): number {
    if (decision.expectedGain !== undefined) return decision.expectedGain;
    const gapReduction = Math.abs(gapBps(snap.mark, snap.oracle)) - Math.abs(gapBps(preview.newMark, snap.oracle));
    return this.deps.settings.economics.trackingValuePerBps * gapReduction - wadToNumber(preview.cost);
  }

  private succeed(): void {
    this.failures.succeed();
    this.pausedTicks = 0;
    this.deps.metrics.consecutiveFailures.set({ market: this.deps.market }, 0);
  }

  private onFailure(c: ClassifiedError, where: string): TickReport {
    this.lastOutcome = "failed";
    if (c.misconfigured) return this.halt(`${where}: ${c.misconfigured}`);
    const delay = this.failures.fail();
    this.deps.metrics.consecutiveFailures.set({ market: this.deps.market }, this.failures.consecutive);
    this.deps.log.warn({ where, errorClass: c.errorClass, reason: c.reason, consecutive: this.failures.consecutive, delayMs: delay }, "tick failed");
    if (this.failures.exhausted) return this.halt(`${this.failures.consecutive} consecutive failures; last at ${where}: ${c.reason}`);
    return { nextDelayMs: c.errorClass === "retryNow" ? delay : Math.max(delay, this.deps.settings.intervalMs) };
  }

  private halt(reason: string): TickReport {
    this.halted = true;
    this.haltReason = reason;
    this.lastOutcome = "halted";
    this.deps.metrics.halted.set({ market: this.deps.market }, 1);
    this.deps.log.error({ reason }, "market job halted");
    return { nextDelayMs: 0, halted: true };
  }
}

/**
 * Refusals that mean "cannot act now" for the health check, by custom-error name: one is a skip,
 * unhealthyAfterTicks in a row is unhealthy. The issue-13 rate limits count like the cooldown only
 * when the chain refuses a planned call (the plan was fitted to the snapshot's room, so a refusal
 * means the room is not what the keeper reads). The planner's own "no move-cap room left" skip is
 * the designed wait for the hook window to roll and does not count. Vamm_RepegBelowMinimum and
 * Vamm_VolatilityBreaker (opens only) are plain skips.
 */
const BLOCKING_ERRORS: Readonly<Record<string, BlockCause>> = {
  Vamm_HookCooldown: "cooldown",
  Vamm_HookMoveCapExceeded: "move-cap",
  Vamm_KDecreaseCapExceeded: "move-cap",
  Oracle_StaleAnswer: "stale-oracle",
  Oracle_IncompleteRound: "stale-oracle",
  AccessControlUnauthorizedAccount: "missing-role",
};

function describe(call: HookCall): string {
  return `${call.kind}(${call.target})`;
}

function gweiToWei(gwei: number): bigint {
  return BigInt(Math.round(gwei * 1e9));
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
