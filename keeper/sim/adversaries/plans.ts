/**
 * The adversaries' decisions as pure functions of what they can read (the curve, the oracle, the
 * public book), one definition shared by the simulator's bots (sandwichBot.ts, liquidationHunter.ts)
 * and the on-chain agents of the e2e suites (keeper/onchain/adversaries/).
 */

/** What an adversary reads from the market (natural units; k = sqrtK²). */
export interface CurveView {
  readonly x: number;
  readonly y: number;
  readonly k: number;
  readonly peg: number;
  readonly oracle: number;
}

/** One open position of the public book: signed base size, open notional and margin. */
export interface BookView {
  readonly n: number;
  readonly size: ArrayLike<number>;
  readonly notional: ArrayLike<number>;
  readonly margin: ArrayLike<number>;
}

/**
 * Sandwich of a pending repeg to `newPeg`: trade with the peg's move at the old peg, out at the new
 * one. Returns the front-run (side and quote), or null when two taker fees eat the move. Per quote q
 * and step s = |P'/P − 1| the round trip nets q·s − fee·q·(2 + s) for a long (its close sells q·(1 + s))
 * and q·s − fee·q·(2 − s) for a short (its close buys back at q·(1 − s)): the short is the cheaper
 * side, which SPEC §6's bound maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4 answers. The size is
 * the most the bot's capital allows that still lets the hook pass (after the front-run the repeg must
 * not push the mark past the oracle: y² ≤ k·oracle/P' for a long).
 */
export function planSandwich(v: CurveView, newPeg: number, feeRate: number, capital: number, leverage: number): { isLong: boolean; quote: number } | null {
  const rel = newPeg / v.peg - 1;
  const isLong = rel > 0;
  const s = Math.abs(rel);
  const netPerQuote = s - feeRate * (isLong ? 2 + s : 2 - s);
  if (!(netPerQuote > 0)) return null;
  const yBound = Math.sqrt((v.k * v.oracle) / newPeg);
  const room = (isLong ? yBound - v.y : v.y - yBound) * v.peg;
  const quote = Math.min(capital * leverage, 0.999 * room);
  return quote > 0 ? { isLong, quote } : null;
}

/**
 * Liquidation mark of a position at zero self-impact, as the hunter estimates it (curve-judged
 * margin, funding ignored): the mark at which equity = mm · value.
 */
export function liquidationMark(size: number, notional: number, margin: number, mm: number): number {
  const b = Math.abs(size);
  return size > 0 ? (notional - margin) / (b * (1 - mm)) : (notional + margin) / (b * (1 + mm));
}

export interface HuntPlan {
  /** true: short to push the mark down through the longs' liquidation marks. */
  readonly againstLongs: boolean;
  /** Quote of the push. */
  readonly quote: number;
  /** Estimated round trip: push, forced closes, buy-back, two fees (liquidator's fee not counted). */
  readonly profit: number;
}

/**
 * Liquidation hunt on one side: push the mark (within `band`, a fraction of the mark) just past the
 * nearest liquidation mark, let every position whose mark the push reached close into the curve, buy
 * back. Null when nothing is in reach or the round trip does not pay.
 */
export function planHuntSide(v: CurveView, book: BookView, againstLongs: boolean, mm: number, band: number, feeRate: number, capital: number, leverage: number): HuntPlan | null {
  const mark = (v.y * v.peg) / v.x;
  const reach = againstLongs ? mark * (1 - band) : mark * (1 + band);
  let target = mark;
  for (let i = 0; i < book.n; i++) {
    const s = book.size[i];
    if (s === 0 || againstLongs !== s > 0) continue;
    const liq = liquidationMark(s, book.notional[i], book.margin[i], mm);
    if (againstLongs ? liq < mark && liq >= reach && liq < target : liq > mark && liq <= reach && liq > target) target = liq;
  }
  if (target === mark) return null;
  target *= againstLongs ? 1 - 1e-4 : 1 + 1e-4;
  // Push: y1 with y1²·P/k = target.
  const y1 = Math.sqrt((v.k * target) / v.peg);
  let q = Math.abs(v.y - y1) * v.peg;
  q = Math.min(q, capital * leverage);
  const yPushed = againstLongs ? v.y - q / v.peg : v.y + q / v.peg;
  if (!(yPushed > 0)) return null;
  const xPushed = v.k / yPushed;
  const bh = Math.abs(xPushed - v.x);
  const markPushed = (yPushed * v.peg) / xPushed;
  // Forced closes: every position of the side whose liquidation mark the push reached.
  let forced = 0;
  for (let i = 0; i < book.n; i++) {
    const s = book.size[i];
    if (s === 0 || againstLongs !== s > 0) continue;
    const liq = liquidationMark(s, book.notional[i], book.margin[i], mm);
    if (againstLongs ? liq >= markPushed : liq <= markPushed) forced += Math.abs(s);
  }
  if (forced === 0) return null;
  // Long closes add base to the curve (x up); short closes take it out.
  const xAfter = againstLongs ? xPushed + forced : xPushed - forced;
  if (!(xAfter > bh)) return null;
  const yAfter = v.k / xAfter;
  // Buy-back: the hunter's short returns bh base (x down) / its long sells bh (x up).
  const back = againstLongs ? (v.k / (xAfter - bh) - yAfter) * v.peg : (yAfter - v.k / (xAfter + bh)) * v.peg;
  const gross = againstLongs ? q - back : back - q;
  const profit = gross - feeRate * (q + back);
  return profit > 0 ? { againstLongs, quote: q, profit } : null;
}

/** The better of the two sides, or null. */
export function planHunt(v: CurveView, book: BookView, mm: number, band: number, feeRate: number, capital: number, leverage: number): HuntPlan | null {
  const down = planHuntSide(v, book, true, mm, band, feeRate, capital, leverage);
  const up = planHuntSide(v, book, false, mm, band, feeRate, capital, leverage);
  return down && up ? (down.profit >= up.profit ? down : up) : (down ?? up);
}
