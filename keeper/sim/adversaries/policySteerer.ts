/**
 * Policy steerer (an adversary the keeper's state invites): the keeper decides from the spot mark
 * and the open interest, and both are public and movable. The steerer trades before the keeper's
 * decision (in its block, or one block earlier: `timing`), so the keeper observes the market with the
 * steerer's position in it, and closes right after the keeper's hook (or its hold).
 *
 * Whatever the keeper then does, the same-block steerer's profit is what a position held across that
 * one hook earns: a repeg is bounded by SPEC §6's sandwich bound (no step pays two fees), and a k step
 * of δ ≤ maxKIncreaseBps earns a position of b base about P·b²·δ/(2x), below its two fees unless b is
 * a large share of the reserve x, so it cannot pay. A push held a block before is also a directional
 * position for that block (and pays funding when a settlement falls in it), which can pay. What either
 * can do is make the keeper act differently, so its harm is measured paired (the same scenario and
 * seed without it) on the protocol's revenue and tracking.
 *
 * Modes, each a side chosen from what the keeper reads:
 * - `awayFromOracle`: widen the mark–oracle gap (invites a repeg whose cost the users' side sets);
 * - `towardOracle`: close the gap (invites a hold while the oracle moves);
 * - `withUsers` / `againstUsers`: add to or cut the users' net side (what the imbalance bucket,
 *   the repeg gain and the AMM's funding side read).
 */
import type { FastMarket } from "../fastMarket";
import { RoundTripBook, type OpenLeg } from "./roundTripBook";

export const STEER_MODES = ["awayFromOracle", "towardOracle", "withUsers", "againstUsers"] as const;
export type SteerMode = (typeof STEER_MODES)[number];

/**
 * When the push goes in: `sameBlock`, in the keeper's own block, ahead of its decision (the keeper
 * observes it; on-chain the keeper reads the previous block, so this is an upper bound); or
 * `blockBefore`, one block earlier, held across the block boundary while the other traders (the
 * informed ones arbitrage the gap) trade against it.
 */
export const STEER_TIMINGS = ["sameBlock", "blockBefore"] as const;
export type SteerTiming = (typeof STEER_TIMINGS)[number];

export interface SteerConfig {
  readonly mode: SteerMode;
  readonly timing?: SteerTiming;
  /** Margin brought to each push; the push's notional is capital·leverage (halved while refused). */
  readonly capital: number;
  readonly leverage: number;
}

export class PolicySteerer {
  readonly book: RoundTripBook;
  /** Pushes opened (one per decision at most). */
  pushes = 0;
  private readonly timing: SteerTiming;
  private leg: OpenLeg | null = null;

  constructor(
    private readonly m: FastMarket,
    private readonly cfg: SteerConfig,
  ) {
    this.book = new RoundTripBook(m);
    this.timing = cfg.timing ?? "sameBlock";
  }

  /** The side a push takes in this mode now, or null when the mode has no side (no gap, no net side). */
  sideNow(): boolean | null {
    const m = this.m;
    const gap = m.mark() - m.oracle;
    const net = m.longOI - m.shortOI;
    switch (this.cfg.mode) {
      case "awayFromOracle":
        return gap === 0 ? null : gap > 0;
      case "towardOracle":
        return gap === 0 ? null : gap < 0;
      case "withUsers":
        return net === 0 ? null : net > 0;
      case "againstUsers":
        return net === 0 ? null : net < 0;
    }
  }

  /**
   * When to push for the decision at `decision`, the interval having begun at `from`: at the decision
   * (its block), or one block earlier (never before `from`).
   */
  pushTime(from: number, decision: number, blockTimeSec: number): number {
    return this.timing === "blockBefore" ? Math.max(from, decision - blockTimeSec) : decision;
  }

  /** Ahead of the keeper's next decision, at `t` (its block, or the one before): open the push. */
  push(t: number): void {
    if (this.leg) return;
    const isLong = this.sideNow();
    if (isLong === null) return;
    this.leg = this.book.open(isLong, this.cfg.capital * this.cfg.leverage, this.cfg.leverage, t);
    if (this.leg) this.pushes++;
  }

  /** Signed base size of the push now open (0 when none). */
  get holding(): number {
    return this.leg?.size ?? 0;
  }

  /** Right after the keeper's hook (or hold) at `t`: close the push. */
  unwind(t: number): void {
    if (!this.leg) return;
    this.book.close(this.leg, t);
    this.leg = null;
  }
}
