/**
 * contracts/libraries/CurveMathWad.sol (SPEC §2): the constant-product curve with a peg, all WAD.
 * `k·WAD/v` is `mulDivUp(sqrtK, sqrtK, v)`. Every rounding favours the AMM; reverts throw `MathRevert`
 * with the contract's error name and arguments.
 */
import { MathRevert } from "./MathRevert";
import { mulDivDown, mulDivUp } from "./MulDivFast";
import { WAD } from "./units";

/** Mark price `floor(y · P / x)`. */
export function markPrice(x: bigint, y: bigint, peg: bigint): bigint {
  return mulDivDown(y, peg, x);
}

/** Reserves after a long of quote `q`: `y' = y + floor(q·WAD/P)`, `x' = ceil(k/y')`; returns `[x1, y1]`. */
export function afterLong(y: bigint, sqrtK: bigint, peg: bigint, q: bigint): readonly [x1: bigint, y1: bigint] {
  const y1 = y + mulDivDown(q, WAD, peg);
  return [mulDivUp(sqrtK, sqrtK, y1), y1];
}

/** Reserves after a short of quote `q`: `y' = y − ceil(q·WAD/P)`, `x' = ceil(k/y')`; returns `[x1, y1]`. */
export function afterShort(y: bigint, sqrtK: bigint, peg: bigint, q: bigint): readonly [x1: bigint, y1: bigint] {
  const dy = mulDivUp(q, WAD, peg);
  if (dy >= y) throw new MathRevert("Vamm_InsufficientLiquidity", [y, dy]);
  const y1 = y - dy;
  return [mulDivUp(sqrtK, sqrtK, y1), y1];
}

/** Close a long of `b`: `x' = x + b`, `y' = ceil(k/x')`, quote out `floor((y − y')·P/WAD)` (0 if y' ≥ y). */
export function closeLong(x: bigint, y: bigint, sqrtK: bigint, peg: bigint, b: bigint): readonly [x1: bigint, y1: bigint, quoteOut: bigint] {
  const x1 = x + b;
  const y1 = mulDivUp(sqrtK, sqrtK, x1);
  return [x1, y1, y1 < y ? mulDivDown(y - y1, peg, WAD) : 0n];
}

/** Close a short of `b`: `x' = x − b`, `y' = ceil(k/x')`, quote in `ceil((y' − y)·P/WAD)` (0 if y' ≤ y). */
export function closeShort(x: bigint, y: bigint, sqrtK: bigint, peg: bigint, b: bigint): readonly [x1: bigint, y1: bigint, quoteIn: bigint] {
  if (b >= x) throw new MathRevert("Vamm_InsufficientLiquidity", [x, b]);
  const x1 = x - b;
  const y1 = mulDivUp(sqrtK, sqrtK, x1);
  return [x1, y1, y1 > y ? mulDivUp(y1 - y, peg, WAD) : 0n];
}
