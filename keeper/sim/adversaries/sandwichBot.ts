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
import { RoundTripBook, type OpenLeg } from "./roundTripBook";

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

export class SandwichBot {
  /** The bot's account: its take (net profit of the closed sandwiches, fees included), fees, realised PnL, volume. */
  readonly book: RoundTripBook;
  /** Front-runs undone because the hook would no longer pass. */
  unwound = 0;

  private readonly feeRate: number;

  constructor(
    private readonly m: FastMarket,
    private readonly cfg: SandwichConfig,
  ) {
    this.feeRate = m.params.feeBps / 1e4;
    this.book = new RoundTripBook(m);
  }

  get take(): number {
    return this.book.take;
  }

  get sandwiches(): number {
    return this.book.trips;
  }

  /** Before the keeper's repeg to `newPeg` at time t: the front-run, or null when nothing pays. */
  front(newPeg: number, t: number): OpenLeg | null {
    const m = this.m;
    const plan = planSandwich(m, newPeg, this.cfg.ignoreFees ? 0 : this.feeRate, this.cfg.capital, this.cfg.leverage);
    if (!plan) return null;
    const leg = this.book.open(plan.isLong, plan.quote, this.cfg.leverage, t);
    if (leg && m.previewRepeg(newPeg, t).refusal) {
      this.unwound++;
      this.book.close(leg, t);
      return null;
    }
    return leg;
  }

  /** After the hook at `t` (applied or not): close the front-run position. */
  back(leg: OpenLeg | null, t: number): void {
    if (leg) this.book.close(leg, t);
  }
}
