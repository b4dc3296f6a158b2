/**
 * The fast engine's liquidator bot (DESIGN §7): a sweep over every position of a `FastMarket`,
 * liquidating those under maintenance margin at the margin price (the oracle, SPEC §3), and the
 * trigger that decides when a sweep is worth running. The market executes each liquidation
 * (`liquidateUninformed`, `liquidatePoolIfUnder`: its entry point, with the band and the bad-debt
 * waterfall); this file only finds the candidates.
 *
 * Trigger: a liquidation-price envelope (max over longs / min over shorts of the oracle price at
 * which a position reaches maintenance), kept minus its side's funding index — a position's
 * liquidation price moves by exactly the funding accrued per base, so `env + cum` stays exact as
 * funding accrues. Opens widen it (`noteLiquidationPrice`), closes leave it conservative, every
 * sweep rebuilds it. A sweep runs when the oracle comes within `scanMoveBps` of the envelope or of
 * an informed pool's own liquidation price.
 */
import type { FastMarket } from "./fastMarket";

export class LiquidationScanner {
  private envLong = -Infinity;
  private envShort = Infinity;
  private readonly mmRate: number = 0;
  private readonly buf: number = 0;

  constructor(
    private readonly m: FastMarket,
    private readonly mmBps: number,
    scanMoveBps: number,
  ) {
    this.mmRate = mmBps / 1e4;
    this.buf = scanMoveBps / 1e4;
  }

  /** A position opened or survived a sweep: its liquidation price at the oracle widens the envelope. */
  noteLiquidationPrice(isLong: boolean, size: number, notional: number, marginNet: number): void {
    // Long `(N − M)/(s(1 − mm))`, short `(N + M)/(s(1 + mm))`, stored minus the side's funding index.
    if (isLong) {
      const px = (notional - marginNet) / (size * (1 - this.mmRate)) - this.m.cumLong;
      if (px > this.envLong) this.envLong = px;
    } else {
      const px = (notional + marginNet) / (size * (1 + this.mmRate)) - this.m.cumShort;
      if (px < this.envShort) this.envShort = px;
    }
  }

  /** Liquidates every position under maintenance margin; returns how many liquidations ran. */
  scan(t: number): number {
    const m = this.m;
    m.now = t;
    let n = 0;
    const mm = this.mmBps;
    const uSize = m.uSize;
    const uNotional = m.uNotional;
    const uMargin = m.uMargin;
    const uSnap = m.uSnap;
    this.envLong = -Infinity;
    this.envShort = Infinity;
    const o = m.marginPrice();
    // Downwards: a liquidation swap-removes slot i, moving the last slot (already visited) into it.
    for (let i = m.uN - 1; i >= 0; i--) {
      // Inlined margin value at the oracle and pending funding (this loop runs over every open position).
      const s = uSize[i];
      const isLong = s > 0;
      const v = (isLong ? s : -s) * o;
      const upnl = isLong ? v - uNotional[i] : uNotional[i] - v;
      const pending = isLong ? s * (m.cumLong - uSnap[i]) : s * (m.cumShort - uSnap[i]);
      if ((uMargin[i] + upnl - pending) * 1e4 < mm * v) {
        if (m.liquidateUninformed(i)) n++;
      } else this.noteLiquidationPrice(isLong, isLong ? s : -s, uNotional[i], uMargin[i] - pending);
    }
    return n + m.liquidatePoolIfUnder(true) + m.liquidatePoolIfUnder(false);
  }

  /** Sweeps only when some position may be under maintenance (see the file's comment). */
  maybeScan(t: number): void {
    const m = this.m;
    const o = m.marginPrice();
    const buf = this.buf;
    let need = o <= (this.envLong + m.cumLong) * (1 + buf) || o >= (this.envShort + m.cumShort) * (1 - buf);
    if (!need && m.iLongSize > 0) {
      const pending = m.iLongSize * (m.cumLong - m.iLongSnap);
      need = o <= ((m.iLongNotional - m.iLongMargin + pending) / (m.iLongSize * (1 - this.mmRate))) * (1 + buf);
    }
    if (!need && m.iShortSize > 0) {
      const pending = -m.iShortSize * (m.cumShort - m.iShortSnap);
      need = o >= ((m.iShortNotional + m.iShortMargin - pending) / (m.iShortSize * (1 + this.mmRate))) * (1 - buf);
    }
    if (need) this.scan(t);
  }
}
