/**
 * What a rule-based keeper can work out from one observation (DESIGN §4): the peg that moves the
 * mark a fraction of the way to the oracle, and the cost of that repeg, `(y − y_t)·(P' − P)` (the
 * formulas are keeper/core/math/float's; this file maps an observation onto them).
 */
import { kCostClosedFormAtRatio, repegCost as repegCostOf } from "../../core/math/float/CostMath";
import type { MarketObservation } from "../../core/policyTypes";

export function netPosition(obs: MarketObservation): number {
  return obs.longOI - obs.shortOI;
}

/** Peg after moving the mark `fraction` of the way to the oracle (mark ∝ peg at fixed reserves). */
export function targetPeg(obs: MarketObservation, fraction: number): number {
  const targetMark = obs.mark + fraction * (obs.oracle - obs.mark);
  return obs.peg * (targetMark / obs.mark);
}

/** Repeg cost to the protocol (positive = the protocol pays). */
export function repegCost(obs: MarketObservation, fraction: number): number {
  const d = netPosition(obs);
  if (obs.baseReserve + d <= 0) return Infinity;
  return repegCostOf(obs.baseReserve, obs.quoteReserve, obs.sqrtK, d, obs.peg, targetPeg(obs, fraction));
}

/**
 * Largest fraction in (0, 1] whose repeg cost fits the budget (cost is linear in the fraction),
 * or 0 when even a sliver is unaffordable.
 */
export function affordableFraction(obs: MarketObservation): number {
  const full = repegCost(obs, 1);
  if (full <= obs.budget) return 1;
  if (!(full > 0) || obs.budget <= 0) return 0;
  return Math.min(1, obs.budget / full);
}

/** Funding premium from the TWAPs (positive: longs pay shorts). */
export function fundingPremium(obs: MarketObservation): number {
  return obs.oracleTwap > 0 ? (obs.markTwap - obs.oracleTwap) / obs.oracleTwap : 0;
}

/**
 * Cost to the protocol of scaling sqrtK by (1 + stepBps/1e4) (negative step: down), closed form
 * `P·y·d·(p/(p·x + d) − 1/(x + d))` with p the sqrtK ratio (SPEC §4); positive = the protocol pays.
 */
export function kStepCost(obs: MarketObservation, stepBps: number): number {
  const p = 1 + stepBps / 1e4;
  const d = netPosition(obs);
  const x = obs.baseReserve;
  if (x + d <= 0 || p * x + d <= 0) return Infinity;
  return kCostClosedFormAtRatio(x, obs.quoteReserve, p, d, obs.peg);
}

/** Funding the AMM (holding −d) earned over `seconds` at the current TWAP premium, capped as on-chain. */
export function ammFundingRevenue(obs: MarketObservation, seconds: number, fundingCapBps: number): number {
  if (!(obs.oracleTwap > 0)) return 0;
  const cap = (obs.oracleTwap * fundingCapBps) / 1e4;
  const premium = Math.max(-cap, Math.min(cap, obs.markTwap - obs.oracleTwap));
  return netPosition(obs) * premium * (seconds / 86400);
}

/** Share of the base reserve that the net user position holds (the AMM's exposure). */
export function exposureShare(obs: MarketObservation): number {
  return Math.abs(netPosition(obs)) / obs.baseReserve;
}
