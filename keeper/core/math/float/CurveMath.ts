/**
 * contracts/libraries/CurveMathWad.sol in float64 (natural units, 1.0 = one WAD), SPEC §2: same
 * functions, arguments and order of operations; `k·WAD/v` is `(sqrtK * sqrtK) / v`. No rounding
 * direction (float64), and a trade the contract refuses with `Vamm_InsufficientLiquidity` returns NaN
 * where the refused reserve would be.
 */

/** Mark price `y · P / x`. */
export function markPrice(x: number, y: number, peg: number): number {
  return (y * peg) / x;
}

/** Reserves after a long of quote `q`: `y' = y + q/P`, `x' = k/y'`; returns `[x1, y1]`. */
export function afterLong(y: number, sqrtK: number, peg: number, q: number): readonly [x1: number, y1: number] {
  const y1 = y + q / peg;
  return [(sqrtK * sqrtK) / y1, y1];
}

/** Reserves after a short of quote `q`: `y' = y − q/P`, `x' = k/y'` (NaN when y' ≤ 0); returns `[x1, y1]`. */
export function afterShort(y: number, sqrtK: number, peg: number, q: number): readonly [x1: number, y1: number] {
  const y1 = y - q / peg;
  return [y1 > 0 ? (sqrtK * sqrtK) / y1 : Number.NaN, y1];
}

/** Close a long of `b`: `x' = x + b`, `y' = k/x'`, quote out `(y − y')·P`; returns `[x1, y1, quoteOut]`. */
export function closeLong(x: number, y: number, sqrtK: number, peg: number, b: number): readonly [x1: number, y1: number, quoteOut: number] {
  const x1 = x + b;
  const y1 = (sqrtK * sqrtK) / x1;
  return [x1, y1, (y - y1) * peg];
}

/** Close a short of `b`: `x' = x − b`, `y' = k/x'`, quote in `(y' − y)·P` (NaN when x' ≤ 0); returns `[x1, y1, quoteIn]`. */
export function closeShort(x: number, y: number, sqrtK: number, peg: number, b: number): readonly [x1: number, y1: number, quoteIn: number] {
  const x1 = x - b;
  if (!(x1 > 0)) return [x1, Number.NaN, Number.NaN];
  const y1 = (sqrtK * sqrtK) / x1;
  return [x1, y1, (y1 - y) * peg];
}
