/**
 * Liquidation hunter (DESIGN §9 adversaries): liquidation is judged on the curve's close value, so a
 * trader who pushes the mark through the nearest liquidation prices forces those positions to close
 * into the curve, which pushes the mark further, and buys back its push cheaper — keeping the
 * liquidator's fee too (it runs the sweep). It trades only through the market's public paths (open,
 * the public liquidation sweep, close), within one block's fluctuation band, and only when its
 * estimate of the round trip — its push, the forced closes, its buy-back, two fees — is positive.
 */
import type { FastMarket } from "../fastMarket";

export interface HunterConfig {
  readonly capital: number;
  readonly leverage: number;
}

export class LiquidationHunter {
  take = 0;
  hunts = 0;
  liquidations = 0;
  /** The hunter's own trades, so uninformed figures can exclude them. */
  realised = 0;
  fees = 0;
  volume = 0;
  stuck = 0;
  private readonly feeRate: number;
  private readonly mm: number;
  private readonly band: number;

  constructor(
    private readonly m: FastMarket,
    private readonly cfg: HunterConfig,
  ) {
    this.feeRate = m.params.feeBps / 1e4;
    this.mm = m.params.mmBps / 1e4;
    this.band = (0.999 * m.params.fluctuationLimitBps) / 1e4;
  }

  /** One look at the book at time t: hunt the longs (push down) or the shorts (push up) if it pays. */
  hunt(t: number): void {
    const down = this.plan(true);
    const up = this.plan(false);
    const best = down && up ? (down.profit >= up.profit ? down : up) : (down ?? up);
    if (best) this.execute(best, t);
  }

  private plan(againstLongs: boolean): { againstLongs: boolean; q: number; profit: number } | null {
    const m = this.m;
    const mark = (m.y * m.peg) / m.x;
    const reach = againstLongs ? mark * (1 - this.band) : mark * (1 + this.band);
    // Liquidation mark of each position at zero self-impact (funding ignored: the sweep decides).
    let target = mark;
    for (let i = 0; i < m.uN; i++) {
      const s = m.uSize[i];
      if (againstLongs !== s > 0) continue;
      const b = Math.abs(s);
      const liq = s > 0 ? (m.uNotional[i] - m.uMargin[i]) / (b * (1 - this.mm)) : (m.uNotional[i] + m.uMargin[i]) / (b * (1 + this.mm));
      if (againstLongs ? liq < mark && liq >= reach && liq < target : liq > mark && liq <= reach && liq > target) target = liq;
    }
    if (target === mark) return null;
    target *= againstLongs ? 1 - 1e-4 : 1 + 1e-4;
    // Push: y1 with y1²·P/k = target.
    const y1 = Math.sqrt((m.k * target) / m.peg);
    let q = Math.abs(m.y - y1) * m.peg;
    q = Math.min(q, this.cfg.capital * this.cfg.leverage);
    const yPushed = againstLongs ? m.y - q / m.peg : m.y + q / m.peg;
    if (!(yPushed > 0)) return null;
    const xPushed = m.k / yPushed;
    const bh = Math.abs(xPushed - m.x);
    const markPushed = (yPushed * m.peg) / xPushed;
    // Forced closes: every position of the side whose liquidation mark the push reached.
    let forced = 0;
    for (let i = 0; i < m.uN; i++) {
      const s = m.uSize[i];
      if (againstLongs !== s > 0) continue;
      const b = Math.abs(s);
      const liq = s > 0 ? (m.uNotional[i] - m.uMargin[i]) / (b * (1 - this.mm)) : (m.uNotional[i] + m.uMargin[i]) / (b * (1 + this.mm));
      if (againstLongs ? liq >= markPushed : liq <= markPushed) forced += b;
    }
    if (forced === 0) return null;
    // Long closes add base to the curve (x up); short closes take it out.
    const xAfter = againstLongs ? xPushed + forced : xPushed - forced;
    if (!(xAfter > bh)) return null;
    const yAfter = m.k / xAfter;
    // Buy-back: the hunter's short returns bh base (x down) / its long sells bh (x up).
    const back = againstLongs ? (m.k / (xAfter - bh) - yAfter) * m.peg : (yAfter - m.k / (xAfter + bh)) * m.peg;
    const gross = againstLongs ? q - back : back - q;
    const profit = gross - this.feeRate * (q + back);
    return profit > 0 ? { againstLongs, q, profit } : null;
  }

  private execute(p: { againstLongs: boolean; q: number }, t: number): void {
    const m = this.m;
    const c = m.c;
    m.now = t;
    const f0 = c.uFees;
    const v0 = c.volumeUninformed;
    m.argQ = p.q;
    m.argMargin = p.q / this.cfg.leverage;
    // Against longs the hunter shorts (isLong = false).
    if (!m.openUninformed(!p.againstLongs)) return;
    this.fees += c.uFees - f0;
    this.volume += c.volumeUninformed - v0;
    const openFee = c.uFees - f0;
    const size = m.uSize[m.uN - 1];
    const l0 = c.liquidations;
    const lf0 = c.liquidationFeesToLiquidators;
    m.liquidationScan(t);
    const fee = c.liquidationFeesToLiquidators - lf0;
    this.liquidations += c.liquidations - l0;
    let slot = -1;
    for (let i = m.uN - 1; i >= 0; i--)
      if (m.uSize[i] === size) {
        slot = i;
        break;
      }
    const r1 = c.uRealised;
    const f1 = c.uFees;
    const u1 = c.uFunding;
    const v1 = c.volumeUninformed;
    if (slot < 0 || !m.closeUninformed(slot)) {
      this.stuck++;
      this.take += fee - openFee;
      return;
    }
    const realised = c.uRealised - r1;
    const closeFee = c.uFees - f1;
    this.realised += realised;
    this.fees += closeFee;
    this.volume += c.volumeUninformed - v1;
    this.take += realised - openFee - closeFee - (c.uFunding - u1) + fee;
    this.hunts++;
  }
}
