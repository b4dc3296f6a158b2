/**
 * Sandwich bot (DESIGN §9 adversaries): it sees the keeper's pending repeg (the target peg is in
 * the transaction), trades into it at the old peg and out of it at the new one, in the same block.
 * A long of quote q bought at peg P and sold back after the peg moves to P' returns q·P'/P (the
 * reserves are the same), so the gross take is q·|P'/P − 1| and it comes out of the protocol: the
 * repeg's cost grows with the net position the bot added. The bot trades only through the market's
 * public trade path (open/close a position: fee, margin, fluctuation limit, capacity), sizes the
 * front-run so the hook would still pass (the mark after the repeg must not cross the oracle;
 * checked with the market's own preview) and unwinds at once when it would not.
 * k changes leave the mark where it is, so they are not sandwiched. Under SPEC §6's sandwich bound
 * (maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4) no repeg step the guards allow pays two fees: the bot
 * never trades a valid market; it takes only where that bound is broken.
 */
import type { FastMarket } from "../fastMarket";
import { planSandwich } from "./plans";

export interface SandwichConfig {
  /** Margin the bot brings to one sandwich; notional ≤ capital·leverage. */
  readonly capital: number;
  readonly leverage: number;
  /**
   * Trade every repeg as if fees were nothing (an attacker who misjudges them). Not a scenario
   * option: it measures what a sandwich inside the sandwich bound costs the one who tries it.
   */
  readonly ignoreFees?: boolean;
}

export interface SandwichHandle {
  readonly slot: number;
  readonly size: number;
  readonly r0: number;
  readonly f0: number;
  readonly u0: number;
  readonly v0: number;
}

export class SandwichBot {
  /** Net profit of the closed sandwiches (quote), fees included. */
  take = 0;
  /** Fees, realised PnL and volume of the bot's trades, so uninformed figures can exclude them. */
  fees = 0;
  realised = 0;
  volume = 0;
  sandwiches = 0;
  /** Front-runs undone because the hook would no longer pass. */
  unwound = 0;
  /** Back-runs the market refused (the position stays open, left to the uninformed schedule). */
  stuck = 0;

  private readonly feeRate: number;

  constructor(
    private readonly m: FastMarket,
    private readonly cfg: SandwichConfig,
  ) {
    this.feeRate = m.params.feeBps / 1e4;
  }

  /** Before the keeper's repeg to `newPeg` at time t: the front-run, or null when nothing pays. */
  front(newPeg: number, t: number): SandwichHandle | null {
    const m = this.m;
    const plan = planSandwich(m, newPeg, this.cfg.ignoreFees ? 0 : this.feeRate, this.cfg.capital, this.cfg.leverage);
    if (!plan) return null;
    const isLong = plan.isLong;
    let q = plan.quote;
    m.now = t;
    const c = m.c;
    for (let tries = 0; tries < 5; tries++, q /= 2) {
      const r0 = c.uRealised;
      const f0 = c.uFees;
      const u0 = c.uFunding;
      const v0 = c.volumeUninformed;
      m.argQ = q;
      m.argMargin = q / this.cfg.leverage;
      if (!m.openUninformed(isLong)) continue;
      const h: SandwichHandle = { slot: m.uN - 1, size: m.uSize[m.uN - 1], r0, f0, u0, v0 };
      if (m.previewRepeg(newPeg, t).refusal) {
        this.unwound++;
        this.back(h);
        return null;
      }
      return h;
    }
    return null;
  }

  /** After the hook (applied or not): close the front-run position. */
  back(h: SandwichHandle | null): void {
    if (!h) return;
    const m = this.m;
    let slot = h.slot;
    if (slot >= m.uN || m.uSize[slot] !== h.size) {
      slot = -1;
      for (let i = m.uN - 1; i >= 0; i--)
        if (m.uSize[i] === h.size) {
          slot = i;
          break;
        }
    }
    if (slot < 0 || !m.closeUninformed(slot)) {
      this.stuck++;
      return;
    }
    const c = m.c;
    const realised = c.uRealised - h.r0;
    const fees = c.uFees - h.f0;
    const funding = c.uFunding - h.u0;
    this.realised += realised;
    this.fees += fees;
    this.volume += c.volumeUninformed - h.v0;
    this.take += realised - fees - funding;
    this.sandwiches++;
  }
}
