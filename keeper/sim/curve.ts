/**
 * The simulator's names for the float64 curve and cost math (SPEC §2, §4). The math itself lives in
 * keeper/core/math/float (one file per Solidity library, same function names and argument order);
 * this module keeps the simulator's historical entry points as thin adapters over it.
 */
import { afterLong, afterShort, closeLong, closeShort } from "../core/math/float/CurveMath";
import { kCost, kCostClosedForm as kCostClosed, repegCost, repegCostDirect as repegDirect, scaledReserves } from "../core/math/float/CostMath";

export { markPrice } from "../core/math/float/CurveMath";
export { liability } from "../core/math/float/CostMath";
export { closeValue, maxLiquidationBase, pegForMark, quoteToBase } from "../core/math/float/VammMarket";

/** Long with quote notional q: the new base reserve (`CurveMath.afterLong`'s x1); base received = x − x'. */
export function xAfterLong(y: number, sqrtK: number, peg: number, q: number): number {
  return afterLong(y, sqrtK, peg, q)[0];
}

/** Short with quote notional q: the new base reserve (`CurveMath.afterShort`'s x1; NaN if y' ≤ 0). */
export function xAfterShort(y: number, sqrtK: number, peg: number, q: number): number {
  return afterShort(y, sqrtK, peg, q)[0];
}

/** Quote out for closing a long of size b (`CurveMath.closeLong`'s quoteOut). */
export function closeLongQuote(x: number, y: number, sqrtK: number, peg: number, b: number): number {
  return closeLong(x, y, sqrtK, peg, b)[2];
}

/** Quote in for closing a short of size b (`CurveMath.closeShort`'s quoteIn; NaN if x − b ≤ 0). */
export function closeShortQuote(x: number, y: number, sqrtK: number, peg: number, b: number): number {
  return closeShort(x, y, sqrtK, peg, b)[2];
}

/** `CostMath.repegCost` in the simulator's argument order (d last). */
export function repegCostClosedForm(x: number, y: number, sqrtK: number, peg: number, newPeg: number, d: number): number {
  return repegCost(x, y, sqrtK, d, peg, newPeg);
}

/** `CostMath.repegCostDirect` in the simulator's argument order (d last). */
export function repegCostDirect(x: number, y: number, sqrtK: number, peg: number, newPeg: number, d: number): number {
  return repegDirect(x, y, sqrtK, d, peg, newPeg);
}

/** `CostMath.scaledReserves` as an object. */
export function reservesAfterK(x: number, y: number, sqrtK: number, newSqrtK: number): { x: number; y: number } {
  const [x1, y1] = scaledReserves(x, y, sqrtK, newSqrtK);
  return { x: x1, y: y1 };
}

/** `CostMath.kCost` on `CostMath.scaledReserves`, in the simulator's argument order (peg, d last). */
export function kCostDirect(x: number, y: number, sqrtK: number, newSqrtK: number, peg: number, d: number): number {
  const [x1, y1] = scaledReserves(x, y, sqrtK, newSqrtK);
  return kCost(x, y, sqrtK, x1, y1, newSqrtK, d, peg);
}

/** `CostMath.kCostClosedForm` in the simulator's argument order (peg, d last). */
export function kCostClosedForm(x: number, y: number, sqrtK: number, newSqrtK: number, peg: number, d: number): number {
  return kCostClosed(x, y, sqrtK, newSqrtK, d, peg);
}
