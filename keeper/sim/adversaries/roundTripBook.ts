/**
 * The trading account of an adversary that opens a position and closes it in the same block
 * (the sandwich bot around a repeg, the policy steerer around the keeper's decision). It trades only
 * through the market's public path — the uninformed book: fee, margin, fluctuation limit, capacity —
 * and keeps its own figures so the episode metrics can take its trades out of the uninformed ones.
 * The figures are read right around its own calls: a leg held across blocks sees other traders'
 * closes in between, which are not its own.
 */
import type { FastMarket } from "../fastMarket";

/** An open leg: where it sits in the book, and what opening it cost. */
export interface OpenLeg {
  readonly slot: number;
  readonly size: number;
  readonly openFee: number;
  readonly openVolume: number;
}

/** The book's uninformed counters, read right around one call so other traders' trades never mix in. */
function counters(m: FastMarket) {
  const c = m.c;
  return { realised: c.uRealised, fees: c.uFees, funding: c.uFunding, badDebt: c.uBadDebt, volume: c.volumeUninformed };
}

export class RoundTripBook {
  /** Net profit of the closed round trips (quote): realised PnL less fees and funding, plus any loss beyond the margin (left as bad debt). */
  take = 0;
  /** Fees, realised PnL, funding paid (< 0: received), loss left as bad debt and volume of the account's trades. */
  fees = 0;
  realised = 0;
  funding = 0;
  badDebt = 0;
  volume = 0;
  /** Round trips closed. */
  trips = 0;
  /**
   * Legs it could not close: the market refused the close, or the leg was already gone (closed by the
   * uninformed schedule or liquidated while held). Such a leg is left to the uninformed book, and its
   * open fee and later PnL count there, not here.
   */
  stuck = 0;

  constructor(private readonly m: FastMarket) {}

  /**
   * Opens `quote` on one side at `t` with margin quote/leverage, halving the size up to four times
   * when the market refuses it (fluctuation limit, capacity, margin). Null when every size is refused.
   */
  open(isLong: boolean, quote: number, leverage: number, t: number): OpenLeg | null {
    const m = this.m;
    m.now = t;
    for (let tries = 0, q = quote; tries < 5; tries++, q /= 2) {
      const before = counters(m);
      m.argQ = q;
      m.argMargin = q / leverage;
      if (!m.openUninformed(isLong)) continue;
      const after = counters(m);
      return { slot: m.uN - 1, size: m.uSize[m.uN - 1], openFee: after.fees - before.fees, openVolume: after.volume - before.volume };
    }
    return null;
  }

  /** Closes the leg at `t` (found again by its size if the book moved it) and books the round trip. */
  close(leg: OpenLeg, t: number): boolean {
    const m = this.m;
    m.now = t;
    let slot = leg.slot;
    if (slot >= m.uN || m.uSize[slot] !== leg.size) {
      slot = -1;
      for (let i = m.uN - 1; i >= 0; i--)
        if (m.uSize[i] === leg.size) {
          slot = i;
          break;
        }
    }
    const before = counters(m);
    if (slot < 0 || !m.closeUninformed(slot)) {
      this.stuck++;
      return false;
    }
    const after = counters(m);
    const realised = after.realised - before.realised;
    const closeFee = after.fees - before.fees;
    const funding = after.funding - before.funding;
    const badDebt = after.badDebt - before.badDebt;
    this.realised += realised;
    this.funding += funding;
    this.badDebt += badDebt;
    this.fees += leg.openFee + closeFee;
    this.volume += leg.openVolume + after.volume - before.volume;
    this.take += realised - leg.openFee - closeFee - funding + badDebt;
    this.trips++;
    return true;
  }
}
