/**
 * Baseline "threshold" (DESIGN §9): repeg fully when |gap| > X bps (as far as the budget pays);
 * otherwise step k by the sign of the funding the AMM is earning: up while the AMM receives
 * funding (its exposure pays, so buy volume), down while it pays (shed exposure).
 */
import { HOLD, type Decision, type MarketObservation, type Policy } from "../../core/policyTypes";
import { gapBps } from "../../core/math/float/gap";
import { affordableFraction, fundingPremium, netPosition } from "./curveMath";

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
    const d = netPosition(obs);
    const total = obs.longOI + obs.shortOI;
    const premium = fundingPremium(obs);
    if (total <= 0 || Math.abs(d) / total < this.opts.minImbalance) return none;
    if (Math.abs(premium) * 1e4 < this.opts.fundingPremiumBps) return none;
    // The AMM holds −d: it receives when the users' side pays, i.e. when d and the premium agree in sign.
    const ammReceives = Math.sign(d) === Math.sign(premium);
    return ammReceives
      ? { action: { kind: "kUp", stepBps: this.opts.kUpStepBps }, actionIndex: 2, stateIndex: -1, qValues: [] }
      : { action: { kind: "kDown", stepBps: this.opts.kDownStepBps }, actionIndex: 3, stateIndex: -1, qValues: [] };
  }
}
