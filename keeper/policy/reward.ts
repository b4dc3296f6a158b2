/**
 * The per-step reward of DESIGN §8 from its parts, weighted by the MDP config. The parts are
 * reported on their own too (reports show each one).
 */
import type { RewardWeights } from "./mdpConfig";

/** One step's reward parts in quote units (costs positive; a negative adjustment cost is revenue) and the tracking error. */
export interface RewardParts {
  readonly feeInflow: number;
  readonly fundingReceived: number;
  readonly adjustmentCost: number;
  readonly fundingPaid: number;
  readonly gasCost: number;
  /** Bad debt charged to the budget. */
  readonly badDebt: number;
  /** |mark/oracle − 1| in bps at the end of the step. */
  readonly trackingErrorBps: number;
  /** Change of curve depth in the step, Δ ln sqrtK in bps (training only; absent = 0). */
  readonly depthChangeBps?: number;
}

export const REWARD_PART_NAMES = ["feeInflow", "fundingReceived", "adjustmentCost", "fundingPaid", "gasCost", "badDebt", "trackingErrorBps"] as const;

export function weightedReward(p: RewardParts, w: RewardWeights): number {
  return (
    w.feeInflow * p.feeInflow +
    w.fundingReceived * p.fundingReceived -
    w.adjustmentCost * p.adjustmentCost -
    w.fundingPaid * p.fundingPaid -
    w.gasCost * p.gasCost -
    w.badDebt * p.badDebt -
    w.trackingPenaltyPerBps * p.trackingErrorBps +
    (w.depthCreditPerBps ?? 0) * (p.depthChangeBps ?? 0)
  );
}
