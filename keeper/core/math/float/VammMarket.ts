/**
 * The market's curve views that compose the libraries (contracts/VammMarket.sol: `_quoteToBase`,
 * `_closeQuoteView`, `maxLiquidationBase`), in float64.
 */
import { afterLong, afterShort, closeLong, closeShort } from "./CurveMath";

/** Base moved by a trade of quote `q` in direction `isLong` (received for a long, owed for a short). */
export function quoteToBase(x: number, y: number, sqrtK: number, peg: number, isLong: boolean, q: number): number {
  return isLong ? x - afterLong(y, sqrtK, peg, q)[0] : afterShort(y, sqrtK, peg, q)[0] - x;
}

/** Close value of a signed position (quote out for a long, quote in for a short; NaN past the reserve). */
export function closeValue(x: number, y: number, sqrtK: number, peg: number, size: number): number {
  return size >= 0 ? closeLong(x, y, sqrtK, peg, size)[2] : closeShort(x, y, sqrtK, peg, -size)[2];
}

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

/** Peg that puts the mark exactly at `price` with the current reserves. */
export function pegForMark(x: number, y: number, price: number): number {
  return (price * x) / y;
}
