/**
 * The informed trader's decision rule (DESIGN §7), one implementation for the on-chain episode
 * (runChain.ts) and the oracle feed's arbitrageur (scripts/traders.ts): trade toward the oracle
 * when |oracle − mark| beats the fee plus the informed edge, sized to move the mark to the oracle
 * less that threshold, inside 95 % of the block's fluctuation band and capped by free collateral
 * times leverage; close when the gap is gone.
 */

export interface InformedView {
  readonly oracle: number;
  readonly mark: number;
  readonly sqrtK: number;
  readonly peg: number;
  /** Quote reserve. */
  readonly y: number;
  readonly feeBps: number;
  readonly fluctuationLimitBps: number;
}

export interface InformedOrder {
  readonly isLong: boolean;
  readonly quote: number;
  readonly margin: number;
}

/** Minimum order (quote units): below it the fee-round-trip is not worth a transaction. */
const MIN_QUOTE = 10;

/**
 * The order an informed trader holding `heldSize` (signed base, 0 = flat) sends now, or null.
 * A holder on the wrong side sends nothing: its close (`informedShouldClose`) comes first.
 */
export function informedOrder(s: InformedView, heldSize: number, trader: { edgeBps: number; leverage: number }, freeCollateral: number): InformedOrder | null {
  const gap = s.oracle - s.mark;
  const thr = (s.oracle * (s.feeBps + trader.edgeBps)) / 1e4;
  if (Math.abs(gap) <= thr) return null;
  const isLong = gap > 0;
  if (heldSize !== 0 && heldSize > 0 !== isLong) return null;
  // Stay inside the block's fluctuation band (95 % of it).
  const band = (s.mark * s.fluctuationLimitBps * 0.95) / 1e4;
  let target = isLong ? s.oracle - thr : s.oracle + thr;
  target = isLong ? Math.min(target, s.mark + band) : Math.max(target, s.mark - band);
  const y1 = Math.sqrt((s.sqrtK * s.sqrtK * target) / s.peg);
  let q = Math.abs(y1 - s.y) * s.peg;
  const lev = trader.leverage;
  q = Math.min(q, freeCollateral * lev * 0.9);
  if (q < MIN_QUOTE) return null;
  return { isLong, quote: q, margin: (q / lev) * 1.05 };
}

/** An informed holder closes once the mark has reached (or crossed) the oracle. */
export function informedShouldClose(size: number, mark: number, oracle: number): boolean {
  return size > 0 ? oracle <= mark : oracle >= mark;
}
