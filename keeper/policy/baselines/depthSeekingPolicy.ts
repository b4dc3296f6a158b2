/**
 * Depth-seeking rule (DESIGN §9): deeper curves draw more volume (the fitted depth elasticity), so
 * raise k whenever a step is cheap against the budget; lower it when the AMM's exposure or the
 * oracle's volatility makes depth dangerous; repeg as far as the budget pays beyond a gap, which
 * may be narrower when the repeg earns (its cost `(y − y_t)·(P' − P)` is negative: the users' net
 * side and the gap agree, as after a crash) than when the protocol pays for it.
 */
import type { Decision, MarketObservation, Policy } from "../../core/policyTypes";
import { gapBps } from "../../core/math/float/gap";
import { affordableFraction, exposureShare, kStepCost, repegCost } from "./curveMath";
import { hold, kDown, kUp, repeg } from "./decisions";

/**
 * `earningRepegAboveBps` at this value (a 100 % gap) leaves one trigger for every repeg, as long as
 * `repegAboveBps` is no wider (the trigger taken is the narrower of the two).
 */
export const NO_SEPARATE_EARNING_TRIGGER_BPS = 10_000;

export interface DepthSeekingOptions {
  /** Repeg beyond this |gap| (bps) when the repeg costs the protocol. */
  readonly repegAboveBps: number;
  /** When the full repeg earns (cost < 0), repeg beyond the narrower of this and `repegAboveBps`. */
  readonly earningRepegAboveBps: number;
  readonly kUpStepBps: number;
  /** A k step is "cheap" when it costs at most this share of the budget. */
  readonly maxStepCostShare: number;
  readonly kDownStepBps: number;
  /** |net position| / base reserve above which k comes down. */
  readonly maxExposure: number;
  /** Oracle volatility (per √day) above which k comes down. */
  readonly maxVolatility: number;
}

export const DEFAULT_DEPTH_SEEKING_OPTIONS: DepthSeekingOptions = {
  repegAboveBps: 30,
  earningRepegAboveBps: NO_SEPARATE_EARNING_TRIGGER_BPS,
  kUpStepBps: 100,
  maxStepCostShare: 0.01,
  kDownStepBps: 100,
  maxExposure: 0.05,
  maxVolatility: 0.08,
};

export class DepthSeekingPolicy implements Policy {
  readonly name: string;
  constructor(
    private readonly opts: DepthSeekingOptions = DEFAULT_DEPTH_SEEKING_OPTIONS,
    name = "depth-seeking",
  ) {
    this.name = name;
  }

  decide(obs: MarketObservation): Decision {
    const earns = repegCost(obs, 1) < 0;
    const trigger = earns ? Math.min(this.opts.earningRepegAboveBps, this.opts.repegAboveBps) : this.opts.repegAboveBps;
    if (Math.abs(gapBps(obs.mark, obs.oracle)) > trigger) {
      const f = affordableFraction(obs);
      if (f > 0) return repeg(f);
    }
    if (exposureShare(obs) > this.opts.maxExposure || obs.volatility > this.opts.maxVolatility) return kDown(this.opts.kDownStepBps);
    const cost = kStepCost(obs, this.opts.kUpStepBps);
    return obs.budget > 0 && cost <= this.opts.maxStepCostShare * obs.budget ? kUp(this.opts.kUpStepBps) : hold();
  }
}
