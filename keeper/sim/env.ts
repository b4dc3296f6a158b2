/**
 * RL environment over the fast market. `reset(scenario, seed)` builds the oracle path and the
 * market; `step(action)` applies the keeper's action through the same guard rails as on-chain
 * (refusals are reported, never partly applied) and then runs the traders for one decision
 * interval, returning what the step did (the parts keeper/policy/reward.ts weighs).
 */
import { planHookCall, type NoCallReason, type PlanSettings } from "../core/hookPlanner";
import type { Action, MarketObservation } from "../core/policyTypes";
import { VolatilityEstimator } from "../core/volatility";
import { FastMarket } from "./fastMarket";
import { GapHistogram, protocolNetRevenue } from "./metrics";
import { rolledKDecrease, rolledMove } from "./guards";
import { generateOraclePath, type OraclePath } from "./oracle/paths";
import { makeParams } from "./params";
import { deriveSeed, SimRng } from "./rng";
import type { Scenario } from "./scenario";
import { SandwichBot } from "./adversaries/sandwichBot";
import { LiquidationHunter } from "./adversaries/liquidationHunter";
import { StolenKeyActor } from "./adversaries/stolenKey";
import { PolicySteerer } from "./adversaries/policySteerer";
import { TraderFlow } from "./traders";
import { planInputFromMarket, wadToFloat } from "./planInput";

/**
 * What one step did, in quote units (costs positive), for keeper/policy/reward.ts to weigh: the
 * learner's reward is defined there, once, from these parts.
 */
export interface RewardParts {
  /** Change of protocol net revenue in the step (metrics.ts protocolNetRevenue: fees and funding in; hook costs, funding paid, bad debt out). */
  netRevenue: number;
  /** Budget share of taker fees. */
  feeInflow: number;
  /** AMM side of funding received into the budget. */
  fundingReceived: number;
  /** Signed cost of the hook this step (< 0: the change earned). */
  adjustmentCost: number;
  /** AMM side of funding paid from the budget. */
  fundingPaid: number;
  /** Keeper gas (not protocol revenue). */
  gasCost: number;
  /** Bad debt in the step (all of it, as in netRevenue). */
  badDebt: number;
  /** Mean |mark/oracle − 1| over the interval's oracle ticks, in bps. */
  trackingBps: number;
  /** Increase of the episode's worst budget drawdown (peak budget − budget) in the step, ≥ 0; sums to worstBudgetDrawdown. */
  drawdownIncrease: number;
}

export interface StepResult {
  readonly obs: MarketObservation;
  readonly rewardParts: RewardParts;
  readonly done: boolean;
  readonly applied: boolean;
  /** Solidity error name of the refusal (e.g. "Vamm_CostExceedsBudget"). */
  readonly refusedReason?: string;
  /** The planned call's argument (peg or sqrtK) as sent to the market, NaN when no call. */
  readonly target: number;
  /** Why the planner made no call (hold included); absent when a call was sent. */
  readonly noCall?: NoCallReason;
  readonly events: number;
}

export interface EnvOptions {
  /** Where relative replay paths resolve (default process.cwd()). */
  readonly projectRoot?: string;
  /** The keeper calls observeOracle() at every decision (folds the oracle into its TWAP). Default true. */
  readonly observeOracleEachStep?: boolean;
  readonly scanMoveBps?: number;
  /** The keeper's planning settings (minimum step, fit to budget); the planner's defaults when absent, as the keeper's config. */
  readonly planner?: PlanSettings;
}

export class MarketEnv {
  private sc!: Scenario;
  private path!: OraclePath;
  market!: FastMarket;
  private flow!: TraderFlow;
  private t = 0;
  private tEnd = 0;
  private tick = 0;
  private vol = new VolatilityEstimator();
  private peakBudget = 0;
  worstDrawdown = 0;
  gasSpent = 0;
  updates = 0;
  refusedUpdates = 0;
  readonly gapHist = new GapHistogram();
  private stepGapSum = 0;
  private stepGapN = 0;
  private seedUsed = 0;
  /** The scenario's sandwich bot, if any (it trades around the keeper's repegs). */
  sandwich: SandwichBot | null = null;
  /** The scenario's liquidation hunter, if any (it looks at the book every oracle tick). */
  hunter: LiquidationHunter | null = null;
  /** The scenario's key thief, if any (one harmful hook call per oracle tick). */
  thief: StolenKeyActor | null = null;
  /** The scenario's policy steerer, if any (pushes the mark before each decision, closes after the hook). */
  steerer: PolicySteerer | null = null;

  constructor(private readonly opts: EnvOptions = {}) {}

  get scenario(): Scenario {
    return this.sc;
  }

  get oraclePath(): OraclePath {
    return this.path;
  }

  get time(): number {
    return this.t;
  }

  get seed(): number {
    return this.seedUsed;
  }

  get traderFlow(): TraderFlow {
    return this.flow;
  }

  reset(scenario: Scenario, seed: number = scenario.seed): MarketObservation {
    this.sc = scenario;
    this.seedUsed = seed;
    this.path = generateOraclePath(scenario.oracle, scenario.horizonSec, scenario.oracleDtSec, deriveSeed(seed, 1), this.opts.projectRoot);
    const p0 = this.path.prices[0];
    const params = makeParams(scenario.market.params);
    this.market = new FastMarket({
      params,
      peg: p0,
      sqrtK: scenario.market.sqrtK,
      budget: scenario.market.budget,
      reservedShare: scenario.market.reservedShare,
      time: scenario.startTime,
      blockTimeSec: scenario.blockTimeSec,
      oraclePrice: p0,
      capacity: scenario.traders.maxOpenPositions,
      scanMoveBps: this.opts.scanMoveBps,
    });
    this.sandwich = scenario.adversaries.sandwich ? new SandwichBot(this.market, scenario.adversaries.sandwich) : null;
    this.hunter = scenario.adversaries.liquidationHunter ? new LiquidationHunter(this.market, scenario.adversaries.liquidationHunter) : null;
    this.thief = scenario.adversaries.stolenKey ? new StolenKeyActor(this.market) : null;
    this.steerer = scenario.adversaries.steerer ? new PolicySteerer(this.market, scenario.adversaries.steerer) : null;
    this.flow = new TraderFlow(this.market, new SimRng(deriveSeed(seed, 2)), scenario.traders, scenario.traders.sqrtKRef ?? scenario.market.sqrtK);
    this.t = scenario.startTime;
    this.tEnd = scenario.startTime + scenario.horizonSec;
    this.tick = 0;
    this.vol = new VolatilityEstimator();
    this.vol.update(scenario.startTime, p0);
    this.peakBudget = scenario.market.budget;
    this.worstDrawdown = 0;
    this.gasSpent = 0;
    this.updates = 0;
    this.refusedUpdates = 0;
    return this.observation();
  }

  observation(): MarketObservation {
    const m = this.market;
    return {
      time: this.t,
      baseReserve: m.x,
      quoteReserve: m.y,
      peg: m.peg,
      sqrtK: m.sqrtK,
      mark: m.mark(),
      oracle: m.oracle,
      markTwap: m.markTwap,
      oracleTwap: m.oracleTwap,
      longOI: m.longOI,
      shortOI: m.shortOI,
      budget: m.budget,
      reservedShare: m.reservedShare,
      volatility: this.vol.value,
      sinceLastUpdate: this.t - m.lastHookTime,
      hookRoom: hookRoomOf(m, this.t),
      depthRef: this.sc.market.sqrtK,
    };
  }

  /** Applies the action now, then runs one decision interval of traders. */
  step(action: Action): StepResult {
    if (this.t >= this.tEnd) throw new Error("MarketEnv.step after done: call reset()");
    const m = this.market;
    const c = m.c;
    const before = { net: protocolNetRevenue(c), fees: c.feesToBudget, fr: c.fundingReceived, fp: c.fundingPaid, bd: c.badDebt, ev: c.events, dd: this.worstDrawdown };
    if (this.opts.observeOracleEachStep ?? true) m.observeOracle(this.t);
    const act = this.applyAction(action);
    this.steerer?.unwind(this.t);
    if (act.applied) {
      this.updates++;
      this.gasSpent += this.sc.reward.gasPerUpdate;
      this.trackBudget();
    } else if (act.refusedReason) this.refusedUpdates++;
    this.stepGapSum = 0;
    this.stepGapN = 0;
    const tNext = Math.min(this.t + this.sc.decisionIntervalSec, this.tEnd);
    const done = tNext >= this.tEnd;
    // The steerer pushes before the next decision, so the keeper observes it: in the decision's own
    // block, or one block earlier, with that block's traders trading against it.
    const pushAt = this.steerer && !done ? this.steerer.pushTime(this.t, tNext, this.sc.blockTimeSec) : undefined;
    if (pushAt !== undefined && pushAt < tNext) {
      this.runUntil(pushAt);
      this.steerer!.push(pushAt);
    }
    this.runUntil(tNext);
    m.maybeScan(tNext);
    if (pushAt === tNext) this.steerer!.push(tNext);
    this.trackBudget();
    const meanGap = this.stepGapN > 0 ? this.stepGapSum / this.stepGapN : Math.abs(m.mark() / m.oracle - 1);
    const parts: RewardParts = {
      netRevenue: protocolNetRevenue(c) - before.net,
      feeInflow: c.feesToBudget - before.fees,
      fundingReceived: c.fundingReceived - before.fr,
      adjustmentCost: act.cost,
      fundingPaid: c.fundingPaid - before.fp,
      gasCost: act.applied ? this.sc.reward.gasPerUpdate : 0,
      badDebt: c.badDebt - before.bd,
      trackingBps: meanGap * 1e4,
      drawdownIncrease: this.worstDrawdown - before.dd,
    };
    return {
      obs: this.observation(),
      rewardParts: parts,
      done,
      applied: act.applied,
      refusedReason: act.refusedReason,
      target: act.target,
      ...(act.noCall ? { noCall: act.noCall } : {}),
      events: c.events - before.ev,
    };
  }

  /**
   * The action's hook call as the keeper would send it (the one planner, on this market's state
   * in WAD), applied through the market's guards; the planned WAD argument becomes a float here.
   */
  private applyAction(a: Action): { applied: boolean; cost: number; refusedReason?: string; target: number; noCall?: NoCallReason } {
    const m = this.market;
    const t = this.t;
    const plan = planHookCall(a, planInputFromMarket(m, t), this.opts.planner);
    if ("skip" in plan) {
      if (plan.reason === "invalid-action") throw new Error(`MarketEnv.step: ${plan.skip}`);
      return { applied: false, cost: 0, target: Number.NaN, noCall: plan.reason };
    }
    const target = wadToFloat(plan.call.target);
    if (plan.call.kind === "repeg") {
      // The pending hook is public: a sandwich bot trades in front of it and behind it.
      const front = this.sandwich?.front(target, t) ?? null;
      const r = m.repeg(target, t);
      this.sandwich?.back(front, t);
      return r.refusal ? { applied: false, cost: 0, refusedReason: r.refusal.name, target } : { applied: true, cost: r.cost, target };
    }
    const r = m.updateK(target, t);
    if (r.refusal) return { applied: false, cost: 0, refusedReason: r.refusal.name, target };
    this.flow.refreshDepth();
    return { applied: true, cost: r.cost, target };
  }

  /** Oracle ticks on the grid t0 + i·dt; traders run between them. */
  private runUntil(tNext: number): void {
    const dt = this.sc.oracleDtSec;
    const t0 = this.sc.startTime;
    const prices = this.path.prices;
    while (true) {
      const nextTickTime = t0 + (this.tick + 1) * dt;
      if (nextTickTime > tNext) break;
      this.flow.run(this.t, nextTickTime);
      this.t = nextTickTime;
      this.tick++;
      this.onOracleTick(prices[Math.min(this.tick, prices.length - 1)]);
    }
    if (this.t < tNext) {
      this.flow.run(this.t, tNext);
      this.t = tNext;
    }
  }

  private onOracleTick(price: number): void {
    const m = this.market;
    const t = this.t;
    this.vol.update(t, price);
    m.setOracle(price, t);
    if (m.fundingDue(t)) m.settleFunding(t);
    const g = Math.abs(m.mark() / price - 1);
    m.c.gapSamples++;
    m.c.gapSum += g;
    this.gapHist.add(g * 1e4);
    this.stepGapSum += g;
    this.stepGapN++;
    this.hunter?.hunt(t);
    if (this.thief) {
      this.thief.act(t);
      this.flow.refreshDepth();
    }
    m.maybeScan(t);
    this.trackBudget();
  }

  private trackBudget(): void {
    const b = this.market.budget;
    if (b > this.peakBudget) this.peakBudget = b;
    else if (this.peakBudget - b > this.worstDrawdown) this.worstDrawdown = this.peakBudget - b;
  }
}

/** The move-cap and k-decrease-cap room the market's ledger leaves at `t` (windows rolled to `t`). */
function hookRoomOf(m: FastMarket, t: number): { moveBps: number; kDecreaseBps: number } {
  const p = m.params;
  const mv = rolledMove(m, t, p);
  const kd = rolledKDecrease(m, t);
  return { moveBps: Math.max(0, p.maxPegChangeBps - mv.prev - mv.cur), kDecreaseBps: Math.max(0, p.maxDailyKDecreaseBps - kd.prev - kd.cur) };
}
