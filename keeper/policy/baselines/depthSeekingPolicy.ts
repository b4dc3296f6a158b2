/**
 * Depth-seeking rule (DESIGN §9): deeper curves draw more volume (the fitted depth elasticity), so
 * raise k whenever a step is cheap against the budget; lower it when the AMM's exposure or the
 * oracle's volatility makes depth dangerous; repeg as far as the budget pays beyond a gap.
 */
import type { Decision, MarketObservation, Policy } from "../../core/policyTypes";
import { gapBps } from "../../core/math/float/gap";
import { affordableFraction, exposureShare, kStepCost } from "./curveMath";
import { hold, kDown, kUp, repeg } from "./decisions";

export interface DepthSeekingOptions {
  readonly repegAboveBps: number;
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
    if (Math.abs(gapBps(obs.mark, obs.oracle)) > this.opts.repegAboveBps) {
      const f = affordableFraction(obs);
      if (f > 0) return repeg(f);
    }
    if (exposureShare(obs) > this.opts.maxExposure || obs.volatility > this.opts.maxVolatility) return kDown(this.opts.kDownStepBps);
    const cost = kStepCost(obs, this.opts.kUpStepBps);
    return obs.budget > 0 && cost <= this.opts.maxStepCostShare * obs.budget ? kUp(this.opts.kUpStepBps) : hold();
  }
}
