/**
 * Drift's rule as Drift runs it (DESIGN §9; protocol-v2 `controller/amm.rs`, formulaic repeg and
 * `formulaic_update_k`), re-expressed for this market:
 *  - repeg toward the oracle when the gap exceeds `repegMinGapBps`, as far as `repegBudgetShare`
 *    of the budget pays;
 *  - otherwise, once per funding period, formulaic k: when the AMM earned funding and the market
 *    is tight (|gap| ≤ `tightGapBps`, our stand-in for Drift's spread test), half of that funding
 *    buys a k increase; when funding cost the AMM more than the period's net revenue, k goes down
 *    by the step that earns back half the shortfall. Either step is capped at
 *    0.1 % · intensity / 100, Drift's bound per period.
 * The period's net revenue is the budget's change since the previous decision (Drift's
 * net_revenue_since_last_funding); the policy keeps that one number between decisions and starts
 * afresh when time runs backwards (a new episode).
 */
import type { Decision, MarketObservation, Policy } from "../../core/policyTypes";
import { guardDefault } from "../../core/guardTable";
import { gapBps } from "../../core/math/float/gap";
import { affordableFraction, ammFundingRevenue, kStepCost } from "./curveMath";
import { hold, kDown, kUp, repeg } from "./decisions";

export interface DriftOptions {
  readonly repegMinGapBps: number;
  /** Share of the budget one repeg may spend. */
  readonly repegBudgetShare: number;
  readonly tightGapBps: number;
  /** Drift's curve_update_intensity, 0–100: the k step cap is 10 bps · intensity / 100. */
  readonly intensity: number;
  /** Funding cap of the market (bps of the oracle TWAP), as SPEC §5. */
  readonly fundingCapBps: number;
}

export const DEFAULT_DRIFT_OPTIONS: DriftOptions = { repegMinGapBps: 10, repegBudgetShare: 1, tightGapBps: 10, intensity: 100, fundingCapBps: Number(guardDefault("fundingCapBps")) };

/** Largest step in (0, cap] bps whose cost fits `pays` (cost grows with the step: bisection). */
export function stepWithinCost(obs: MarketObservation, capBps: number, sign: 1 | -1, fits: (cost: number) => boolean): number {
  if (fits(kStepCost(obs, sign * capBps))) return capBps;
  let lo = 0;
  let hi = capBps;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (fits(kStepCost(obs, sign * mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

export class DriftPolicy implements Policy {
  readonly name: string;
  private lastTime = Number.NaN;
  private lastBudget = 0;

  constructor(
    private readonly opts: DriftOptions = DEFAULT_DRIFT_OPTIONS,
    name = "drift",
  ) {
    if (!(opts.intensity >= 0 && opts.intensity <= 100)) throw new Error(`drift: intensity must lie in [0, 100], got ${opts.intensity}`);
    if (!(opts.repegBudgetShare > 0 && opts.repegBudgetShare <= 1)) throw new Error(`drift: repegBudgetShare must lie in (0, 1], got ${opts.repegBudgetShare}`);
    this.name = name;
  }

  decide(obs: MarketObservation): Decision {
    const fresh = !(obs.time > this.lastTime);
    const seconds = fresh ? 0 : obs.time - this.lastTime;
    const netRevenue = fresh ? 0 : obs.budget - this.lastBudget;
    this.lastTime = obs.time;
    this.lastBudget = obs.budget;
    const gap = Math.abs(gapBps(obs.mark, obs.oracle));
    if (gap > this.opts.repegMinGapBps) {
      const f = affordableFraction({ ...obs, budget: obs.budget * this.opts.repegBudgetShare });
      return f > 0 ? repeg(f) : hold();
    }
    if (fresh || this.opts.intensity === 0) return hold();
    const cap = (10 * this.opts.intensity) / 100;
    const funding = ammFundingRevenue(obs, seconds, this.opts.fundingCapBps);
    if (funding > 0 && gap <= this.opts.tightGapBps) {
      const budget = funding / 2;
      const step = stepWithinCost(obs, cap, 1, (c) => c <= budget);
      return step > 0.01 ? kUp(step) : hold();
    }
    const cost = -funding;
    if (cost > 0 && Math.max(0, netRevenue) < cost) {
      // k down until it earns back half the shortfall (a k decrease at an imbalance earns: cost < 0).
      const target = (Math.max(0, netRevenue) - cost) / 2;
      const step = stepWithinCost(obs, cap, -1, (c) => c >= target);
      return step > 0.01 ? kDown(step) : hold();
    }
    return hold();
  }
}
