/**
 * The trading account of an adversary that opens a position and closes it in the same block
 * (the sandwich bot around a repeg, the policy steerer around the keeper's decision). It trades only
 * through the market's public path — the uninformed book: fee, margin, fluctuation limit, capacity —
 * and keeps its own figures so the episode metrics can take its trades out of the uninformed ones.
 */
import type { FastMarket } from "../fastMarket";

/** An open leg: where it sits in the book, and the book's counters when it opened. */
export interface OpenLeg {
  readonly slot: number;
  readonly size: number;
  readonly r0: number;
  readonly f0: number;
  readonly u0: number;
  readonly v0: number;
}

export class RoundTripBook {
  /** Net profit of the closed round trips (quote): realised PnL less fees and funding. */
  take = 0;
  /** Fees, realised PnL and volume of the account's trades. */
  fees = 0;
  realised = 0;
  volume = 0;
  /** Round trips closed. */
  trips = 0;
  /** Closes the market refused (the position stays open, left to the uninformed schedule). */
  stuck = 0;

  constructor(private readonly m: FastMarket) {}

  /**
   * Opens `quote` on one side at `t` with margin quote/leverage, halving the size up to four times
   * when the market refuses it (fluctuation limit, capacity, margin). Null when every size is refused.
   */
  open(isLong: boolean, quote: number, leverage: number, t: number): OpenLeg | null {
    const m = this.m;
    m.now = t;
    const c = m.c;
    for (let tries = 0, q = quote; tries < 5; tries++, q /= 2) {
      const leg = { r0: c.uRealised, f0: c.uFees, u0: c.uFunding, v0: c.volumeUninformed };
      m.argQ = q;
      m.argMargin = q / leverage;
      if (m.openUninformed(isLong)) return { slot: m.uN - 1, size: m.uSize[m.uN - 1], ...leg };
    }
    return null;
  }

  /** Closes the leg (found again by its size if the book moved it) and books the round trip. */
  close(leg: OpenLeg): boolean {
    const m = this.m;
    let slot = leg.slot;
    if (slot >= m.uN || m.uSize[slot] !== leg.size) {
      slot = -1;
      for (let i = m.uN - 1; i >= 0; i--)
        if (m.uSize[i] === leg.size) {
          slot = i;
          break;
        }
    }
    if (slot < 0 || !m.closeUninformed(slot)) {
      this.stuck++;
      return false;
    }
    const c = m.c;
    const realised = c.uRealised - leg.r0;
    const fees = c.uFees - leg.f0;
    const funding = c.uFunding - leg.u0;
    this.realised += realised;
    this.fees += fees;
    this.volume += c.volumeUninformed - leg.v0;
    this.take += realised - fees - funding;
    this.trips++;
    return true;
  }
}
