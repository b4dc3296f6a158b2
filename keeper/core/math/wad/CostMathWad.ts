/**
 * contracts/libraries/CostMathWad.sol (SPEC §4): cost of changing the curve by direct valuation of the
 * AMM's liability `L = (y − y_t)·P` before and after. Signed WAD: > 0 the protocol pays, < 0 it earns.
 */
import { MathRevert, PANIC_OVERFLOW } from "./MathRevert";
import { WAD } from "./units";

const INT256_MAX = (1n << 255n) - 1n;
const INT256_MIN = -(1n << 255n);

/**
 * `a · b / WAD` rounded toward +∞ in both signs (a cost is paid at its ceiling, a revenue earned at its
 * floor). The product is checked as in Solidity (int256), so a tiny terminal base reverts here too.
 */
export function mulWadUp(a: bigint, b: bigint): bigint {
  const p = a * b;
  if (p > INT256_MAX || p < INT256_MIN) throw new MathRevert("Panic", [PANIC_OVERFLOW]);
  if (p <= 0n) return p / WAD; // bigint division truncates toward zero, as int256's does
  return (p - 1n) / WAD + 1n;
}

/** `y_t = ceil(k / (x + d))`, the quote reserve once every position is closed. */
export function terminalQuote(x: bigint, sqrtK: bigint, d: bigint): bigint {
  if (d < 0n && -d >= x) throw new MathRevert("Vamm_InsufficientLiquidity", [x, -d]);
  const xt = x + d;
  return (sqrtK * sqrtK - 1n) / xt + 1n;
}

/** Repeg cost `(y − y_t)·(P' − P)/WAD` for net position `d`. */
export function repegCost(x: bigint, y: bigint, sqrtK: bigint, d: bigint, peg: bigint, newPeg: bigint): bigint {
  return mulWadUp(y - terminalQuote(x, sqrtK, d), newPeg - peg);
}

/** Reserves after a k change: `x' = ceil(x·s'/s)`, `y' = floor(y·s'/s)`; returns `[x1, y1]`. */
export function scaledReserves(x: bigint, y: bigint, sqrtK: bigint, newSqrtK: bigint): readonly [x1: bigint, y1: bigint] {
  const px = x * newSqrtK;
  return [px === 0n ? 0n : (px - 1n) / sqrtK + 1n, (y * newSqrtK) / sqrtK];
}

/** k-change cost `L(after) − L(before)` = `((y' − y_t') − (y − y_t))·P/WAD`. */
export function kCost(x: bigint, y: bigint, sqrtK: bigint, x1: bigint, y1: bigint, newSqrtK: bigint, d: bigint, peg: bigint): bigint {
  const before = y - terminalQuote(x, sqrtK, d);
  const after = y1 - terminalQuote(x1, newSqrtK, d);
  return mulWadUp(after - before, peg);
}
