/**
 * The typed op log both backends replay: the contracts on a Hardhat network and MarketCore (the
 * exact float64 mirror). Amounts are the on-chain integers (WAD, or 6-decimal token units for the
 * vault, 8-decimal answers for the oracle) so a log replays bit for bit on-chain; the simulator
 * receives the same numbers in natural units. Accounts are addresses.
 */

export type Op =
  /** ClearingHouse.deposit(amount6). */
  | { readonly kind: "deposit"; readonly account: string; readonly amount6: bigint }
  /** ClearingHouse.withdraw(amount6). */
  | { readonly kind: "withdraw"; readonly account: string; readonly amount6: bigint }
  /** ClearingHouse.openPosition(market, isLong, quote, margin, baseLimit, deadline). */
  | { readonly kind: "open"; readonly account: string; readonly isLong: boolean; readonly quote: bigint; readonly margin: bigint; readonly baseLimit: bigint }
  /** ClearingHouse.closePosition(market, base (0 = all), quoteLimit, deadline). */
  | { readonly kind: "close"; readonly account: string; readonly base: bigint; readonly quoteLimit: bigint }
  | { readonly kind: "addMargin"; readonly account: string; readonly amount: bigint }
  | { readonly kind: "removeMargin"; readonly account: string; readonly amount: bigint }
  /** ClearingHouse.liquidate(trader, market, base (0 = all)) sent by `account`. */
  | { readonly kind: "liquidate"; readonly account: string; readonly trader: string; readonly base: bigint }
  /** VammMarket.settleFunding() sent by `account`. */
  | { readonly kind: "settleFunding"; readonly account: string }
  | { readonly kind: "observeOracle"; readonly account: string }
  /** MockAggregator.setAnswer(answer) — 8 decimals, stamped with the block's timestamp. */
  | { readonly kind: "setOracle"; readonly account: string; readonly answer: bigint }
  /**
   * MockAggregator.setRound(answer, updatedAt, answeredInRoundLag): a bad round on purpose — a stale
   * `updatedAt`, a non-positive answer or an incomplete round (lag > 0).
   */
  | { readonly kind: "setRound"; readonly account: string; readonly answer: bigint; readonly updatedAt: number; readonly lag: number }
  /** VammMarket.repeg(newPeg) — `account` must hold KEEPER_ROLE. */
  | { readonly kind: "repeg"; readonly account: string; readonly newPeg: bigint }
  /** VammMarket.repegToward(targetPeg, minPeg) — as far toward targetPeg as the caps allow. */
  | { readonly kind: "repegToward"; readonly account: string; readonly targetPeg: bigint; readonly minPeg: bigint }
  | { readonly kind: "updateK"; readonly account: string; readonly newSqrtK: bigint }
  /** Moves the clock: the next transaction lands `seconds` later (nothing is mined). */
  | { readonly kind: "advance"; readonly seconds: number };

export type OpKind = Op["kind"];

/** What one op did on one backend: success with its reported values, or a revert by error name. */
export type Outcome =
  | { readonly ok: true; readonly values: Readonly<Record<string, number>> }
  | { readonly ok: false; readonly error: string; readonly detail?: string };

/** One op applied to both backends in lockstep. */
export interface StepResult {
  readonly index: number;
  readonly op: Op;
  /** Block the op's transaction was mined in (the simulator was advanced to it). */
  readonly block: number;
  readonly time: number;
  readonly chain: Outcome;
  readonly sim: Outcome;
  readonly gasUsed: bigint;
}

export function describeOp(op: Op): string {
  const parts = Object.entries(op)
    .filter(([k]) => k !== "kind")
    .map(([k, v]) => `${k}=${typeof v === "string" && v.startsWith("0x") ? v.slice(0, 8) : String(v)}`);
  return `${op.kind}(${parts.join(", ")})`;
}
