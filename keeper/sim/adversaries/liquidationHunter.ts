/**
 * Liquidation hunter (DESIGN §9 adversaries): it believes liquidation is judged on the curve's close
 * value, so that pushing the mark through the nearest liquidation prices forces those positions to
 * close into the curve, which pushes the mark further, and buys back its push cheaper — keeping the
 * liquidator's fee too (it runs the sweep). Since issue 13 eligibility is judged on the oracle (SPEC
 * §3), which no trade moves: its push forces nothing, its sweep closes only positions the oracle had
 * already made liquidatable (any liquidator's fee), and its round trip pays two fees. It trades only through the market's public paths (open,
 * the public liquidation sweep, close), within one block's fluctuation band, and only when its
 * estimate of the round trip — its push, the forced closes, its buy-back, two fees — is positive.
 */
import type { FastMarket } from "../fastMarket";
import { planHunt } from "./plans";

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
  /** Liquidator's fees of the sweeps it ran (part of `take`; any liquidator would have earned them). */
  liquidatorFees = 0;
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
    const m = this.m;
    const book = { n: m.uN, size: m.uSize, notional: m.uNotional, margin: m.uMargin };
    const best = planHunt(m, book, this.mm, this.band, this.feeRate, this.cfg.capital, this.cfg.leverage);
    if (best) this.execute({ againstLongs: best.againstLongs, q: best.quote }, t);
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
    this.liquidatorFees += fee;
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
