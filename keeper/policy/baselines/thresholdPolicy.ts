/**
 * Baseline "threshold" (DESIGN §9): repeg fully when |gap| > X bps (as far as the budget pays);
 * otherwise step k by the sign of the funding the AMM is earning: up while the AMM receives
 * funding (its exposure pays, so buy volume), down while it pays (shed exposure).
 */
import { HOLD, type Decision, type MarketObservation, type Policy } from "../../core/policyTypes";
import { gapBps } from "../../core/math/float/gap";
import { affordableFraction } from "./curveMath";
import { ammFundingBps } from "../stateIndex";

export interface ThresholdOptions {
  readonly repegAboveBps: number;
  /** Funding premium (bps, absolute) below which k is left alone. */
  readonly fundingPremiumBps: number;
  /** Minimum |net| / total OI for the AMM's funding side to count. */
  readonly minImbalance: number;
  readonly kUpStepBps: number;
  readonly kDownStepBps: number;
}

export const DEFAULT_THRESHOLD_OPTIONS: ThresholdOptions = {
  repegAboveBps: 25,
  fundingPremiumBps: 5,
  minImbalance: 0.05,
  kUpStepBps: 50,
  kDownStepBps: 100,
};

export class ThresholdPolicy implements Policy {
  readonly name = "threshold";
  constructor(private readonly opts: ThresholdOptions = DEFAULT_THRESHOLD_OPTIONS) {}

  decide(obs: MarketObservation): Decision {
    const none: Decision = { action: HOLD, actionIndex: 0, stateIndex: -1, qValues: [] };
    if (Math.abs(gapBps(obs.mark, obs.oracle)) > this.opts.repegAboveBps) {
      const fraction = affordableFraction(obs);
      return fraction > 0 ? { action: { kind: "repeg", fraction }, actionIndex: 1, stateIndex: -1, qValues: [] } : none;
    }
    // The premium the AMM's side receives (0 for a book balanced within minImbalance).
    const received = ammFundingBps(obs, this.opts.minImbalance);
    if (received === 0 || Math.abs(received) < this.opts.fundingPremiumBps) return none;
    return received > 0
      ? { action: { kind: "kUp", stepBps: this.opts.kUpStepBps }, actionIndex: 2, stateIndex: -1, qValues: [] }
      : { action: { kind: "kDown", stepBps: this.opts.kDownStepBps }, actionIndex: 3, stateIndex: -1, qValues: [] };
  }
}
