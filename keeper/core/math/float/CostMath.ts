/**
 * contracts/libraries/CostMathWad.sol in float64 (SPEC §4): same functions and argument order, plus
 * SPEC's closed forms (the test oracles, no Solidity counterpart) at the end. Signed: > 0 the
 * protocol pays. A short book at least as large as the base reserve gives a non-finite terminal quote
 * where the contract reverts `Vamm_InsufficientLiquidity`.
 */

/** `y_t = k / (x + d)`, the quote reserve once every position is closed. */
export function terminalQuote(x: number, sqrtK: number, d: number): number {
  return (sqrtK * sqrtK) / (x + d);
}

/** Repeg cost `(y − y_t)·(P' − P)` for net position `d`. */
export function repegCost(x: number, y: number, sqrtK: number, d: number, peg: number, newPeg: number): number {
  return (y - terminalQuote(x, sqrtK, d)) * (newPeg - peg);
}

/** Reserves after a k change: `x' = x·s'/s`, `y' = y·s'/s`; returns `[x1, y1]`. */
export function scaledReserves(x: number, y: number, sqrtK: number, newSqrtK: number): readonly [x1: number, y1: number] {
  return [(x * newSqrtK) / sqrtK, (y * newSqrtK) / sqrtK];
}

/**
 * k-change cost `L(after) − L(before)` on the scaled reserves. Evaluated as the difference of the two
 * liabilities (the WAD library multiplies the difference of the net quotes once; equal up to rounding).
 */
export function kCost(x: number, y: number, sqrtK: number, x1: number, y1: number, newSqrtK: number, d: number, peg: number): number {
  return liability(x1, y1, newSqrtK, peg, d) - liability(x, y, sqrtK, peg, d);
}

/** AMM liability to the net user position d: `L = (y − y_t)·P` (SPEC §2). */
export function liability(x: number, y: number, sqrtK: number, peg: number, d: number): number {
  return (y - terminalQuote(x, sqrtK, d)) * peg;
}

/** Repeg cost by direct valuation, `L(P') − L(P)` (SPEC §4's definition; equals `repegCost` up to rounding). */
export function repegCostDirect(x: number, y: number, sqrtK: number, d: number, peg: number, newPeg: number): number {
  return liability(x, y, sqrtK, newPeg, d) - liability(x, y, sqrtK, peg, d);
}

/** k-change cost in closed form for a sqrtK ratio `p = sqrtK'/sqrtK`: `P·y·d·(p/(p·x + d) − 1/(x + d))`. */
export function kCostClosedFormAtRatio(x: number, y: number, p: number, d: number, peg: number): number {
  return peg * y * d * (p / (p * x + d) - 1 / (x + d));
}

/** k-change cost in closed form (SPEC §4's test oracle for `kCost`). */
export function kCostClosedForm(x: number, y: number, sqrtK: number, newSqrtK: number, d: number, peg: number): number {
  return kCostClosedFormAtRatio(x, y, newSqrtK / sqrtK, d, peg);
}
