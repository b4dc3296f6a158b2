/**
 * Constant-product curve math of SPEC §2 and §4 in float64 (natural units, 1.0 = one WAD).
 * Same formulas and order of operations as the contracts; `k·WAD/y` there is
 * `mulDiv(sqrtK, sqrtK, y)`, here `(sqrtK * sqrtK) / y`.
 */

/** Mark price `y * P / x` (SPEC §0). */
export function markPrice(x: number, y: number, peg: number): number {
  return (y * peg) / x;
}

/** Long with quote notional q: returns the new base reserve; base received = x − x'. */
export function xAfterLong(y: number, sqrtK: number, peg: number, q: number): number {
  const y1 = y + q / peg;
  return (sqrtK * sqrtK) / y1;
}

/** Short with quote notional q: returns the new base reserve; base owed = x' − x. NaN if y' ≤ 0. */
export function xAfterShort(y: number, sqrtK: number, peg: number, q: number): number {
  const y1 = y - q / peg;
  return y1 > 0 ? (sqrtK * sqrtK) / y1 : Number.NaN;
}

/** Base moved by a trade of quote q in direction isLong (received for long, owed for short). */
export function quoteToBase(x: number, y: number, sqrtK: number, peg: number, isLong: boolean, q: number): number {
  return isLong ? x - xAfterLong(y, sqrtK, peg, q) : xAfterShort(y, sqrtK, peg, q) - x;
}

/** Quote out for closing a long of size b: `(y − k/(x+b))·P`. */
export function closeLongQuote(x: number, y: number, sqrtK: number, peg: number, b: number): number {
  const y1 = (sqrtK * sqrtK) / (x + b);
  return (y - y1) * peg;
}

/** Quote in (paid by the trader) for closing a short of size b: `(k/(x−b) − y)·P`; NaN if x−b ≤ 0. */
export function closeShortQuote(x: number, y: number, sqrtK: number, peg: number, b: number): number {
  const x1 = x - b;
  if (!(x1 > 0)) return Number.NaN;
  const y1 = (sqrtK * sqrtK) / x1;
  return (y1 - y) * peg;
}

/** Close value of a signed position (quote out for a long, quote in for a short). */
export function closeValue(x: number, y: number, sqrtK: number, peg: number, size: number): number {
  return size >= 0 ? closeLongQuote(x, y, sqrtK, peg, size) : closeShortQuote(x, y, sqrtK, peg, -size);
}

/** AMM liability to the net user position d: `L = (y − k/(x+d))·P` (SPEC §2). */
export function liability(x: number, y: number, sqrtK: number, peg: number, d: number): number {
  const yt = (sqrtK * sqrtK) / (x + d);
  return (y - yt) * peg;
}

/** Repeg cost, closed form: `(y − y_t)·(P' − P)` (SPEC §4). */
export function repegCostClosedForm(x: number, y: number, sqrtK: number, peg: number, newPeg: number, d: number): number {
  const yt = (sqrtK * sqrtK) / (x + d);
  return (y - yt) * (newPeg - peg);
}

/** Repeg cost by direct valuation: L(P') − L(P). */
export function repegCostDirect(x: number, y: number, sqrtK: number, peg: number, newPeg: number, d: number): number {
  return liability(x, y, sqrtK, newPeg, d) - liability(x, y, sqrtK, peg, d);
}

/** Reserves after a k change (SPEC §4): `x' = x·sqrtK'/sqrtK`, `y' = y·sqrtK'/sqrtK`. */
export function reservesAfterK(x: number, y: number, sqrtK: number, newSqrtK: number): { x: number; y: number } {
  return { x: (x * newSqrtK) / sqrtK, y: (y * newSqrtK) / sqrtK };
}

/** k-change cost by direct valuation from the new reserves (what the contracts pay). */
export function kCostDirect(x: number, y: number, sqrtK: number, newSqrtK: number, peg: number, d: number): number {
  const x1 = (x * newSqrtK) / sqrtK;
  const y1 = (y * newSqrtK) / sqrtK;
  return liability(x1, y1, newSqrtK, peg, d) - liability(x, y, sqrtK, peg, d);
}

/** k-change cost, closed form `P·y·d·(p/(p·x + d) − 1/(x + d))`, p = sqrtK'/sqrtK (test oracle). */
export function kCostClosedForm(x: number, y: number, sqrtK: number, newSqrtK: number, peg: number, d: number): number {
  const p = newSqrtK / sqrtK;
  return peg * y * d * (p / (p * x + d) - 1 / (x + d));
}

/** Peg that puts the mark exactly at `price` with the current reserves. */
/**
 * Liquidation execution band (SPEC §3): the most base a liquidation may close before the mark leaves
 * `price·(1 ∓ bps)`: the base reserve where the mark reaches bound m is `x_m = sqrtK·√(P/m)`; a long's
 * close adds base (`x_m − x`), a short's removes it (`x − x_m`); ≤ 0 means none fits.
 */
export function maxLiquidationBase(x: number, sqrtK: number, peg: number, closeLong: boolean, price: number, bps: number): number {
  const bound = closeLong ? (price * (1e4 - bps)) / 1e4 : (price * (1e4 + bps)) / 1e4;
  const xm = sqrtK * Math.sqrt(peg / bound);
  return closeLong ? xm - x : x - xm;
}

export function pegForMark(x: number, y: number, price: number): number {
  return (price * x) / y;
}
