/**
 * The learner's reward (DESIGN §8), defined once: training weighs each simulator step with it and
 * evaluation reports it per episode. Three parts, no term that pays an action for itself:
 * - the change in protocol net revenue (keeper/sim/metrics.ts protocolNetRevenue: fees and funding
 *   in; hook costs, funding paid, bad debt out),
 * - a tracking penalty on the mean |mark/oracle − 1| over the step,
 * - a tail-risk term: the increase of the episode's worst budget drawdown (peak − budget) in the
 *   step; it sums to the episode's worst drawdown, so it charges the path into a deep trough once.
 * The reward is linear in the parts, so the reward of summed parts is the sum of step rewards.
 */
import type { RewardWeights } from "./mdpConfig";

/** One step's (or an episode's summed) reward parts. */
export interface RewardParts {
  /** Change of protocol net revenue, quote. */
  readonly netRevenue: number;
  /** Mean |mark/oracle − 1| over the step in bps (summed over steps for an episode). */
  readonly trackingBps: number;
  /** Increase of the worst budget drawdown, quote, ≥ 0. */
  readonly drawdownIncrease: number;
}

export const REWARD_PART_NAMES = ["netRevenue", "trackingBps", "drawdownIncrease"] as const;

/**
 * Quote units per reward unit for a market whose starting quote depth is `depthQuote`
 * (oracle · sqrtK): under `per: "depthBps"` the reward is in bps of that depth, so markets of 1e8
 * and 1e9 quote share one table (a positive per-episode scale, which leaves each episode's
 * optimal policy unchanged); under `per: "quote"` it is in quote.
 */
export function quotePerRewardUnit(w: RewardWeights, depthQuote: number): number {
  if (w.per === "quote") return 1;
  if (!(depthQuote > 0) || !Number.isFinite(depthQuote)) throw new Error(`reward per depth bps needs a positive starting depth, got ${depthQuote}`);
  return depthQuote / 1e4;
}

/** reward = (netRevenue − drawdownPenalty·drawdownIncrease) / quotePerUnit − trackingPenaltyPerBps·trackingBps. */
export function rewardOf(p: RewardParts, w: RewardWeights, quotePerUnit: number): number {
  return (p.netRevenue - w.drawdownPenalty * p.drawdownIncrease) / quotePerUnit - w.trackingPenaltyPerBps * p.trackingBps;
}
