/**
 * State and event shapes of the exact per-trader core (`MarketCore`). Events carry the quantities
 * the contracts emit (SPEC §7), natural units (1.0 = one WAD).
 */
import type { Refusal } from "./errors";

/** Isolated-margin position of one trader in the market. */
export interface Position {
  /** Signed base size: > 0 long, < 0 short. */
  size: number;
  /** Quote cost basis of the open size; on the 1e-6 grid, rounded against the trader (SPEC §8). */
  openNotional: number;
  /** On the 1e-6 grid, rounded down (SPEC §8). */
  margin: number;
  /** Funding index of the position's side at the last settlement (the index of its funding epoch). */
  fundingSnap: number;
}

/** `PositionChanged(trader, market, baseDelta, quoteDelta, fee, realisedPnl, newSize, newMargin)`. */
export interface PositionChanged {
  readonly trader: string;
  /** Change of the trader's signed size. */
  readonly baseDelta: number;
  /** Quote the trader paid into the curve (> 0 buying, < 0 selling), fees excluded. */
  readonly quoteDelta: number;
  readonly fee: number;
  readonly realisedPnl: number;
  /** Funding settled into the margin before the change (> 0 paid by the trader). */
  readonly fundingPaid: number;
  readonly newSize: number;
  readonly newMargin: number;
  /** Margin returned to free collateral when the position closed fully. */
  readonly marginReturned: number;
}

/** `FeeCollected(fee, toBudget, toReserve)` summed over one entry point. */
export interface FeeSplit {
  readonly fee: number;
  readonly toBudget: number;
  readonly toReserve: number;
}

export interface Liquidated {
  readonly trader: string;
  readonly liquidator: string;
  readonly baseClosed: number;
  readonly quoteClosed: number;
  readonly realisedPnl: number;
  /** Taker fee of the curve close (the liquidation trades through the curve like any close). */
  readonly takerFee: number;
  readonly liquidationFee: number;
  readonly toLiquidator: number;
  readonly toReserve: number;
  /** Margin returned to the trader's free collateral (0 on bad debt or partial). */
  readonly marginReturned: number;
  readonly fullyClosed: boolean;
  /** `BadDebtRecorded(trader, amount, fromReserve, fromBudget, uncovered)`; amount 0 when none. */
  readonly badDebt: number;
  readonly fromReserve: number;
  readonly fromBudget: number;
  readonly uncovered: number;
}

/** `FundingSettled(f, fLong, fShort, ammReceived, ammPaid, markTwap, oracleTwap)`. */
export interface FundingSettled {
  readonly f: number;
  readonly fLong: number;
  readonly fShort: number;
  readonly ammReceived: number;
  readonly ammPaid: number;
  readonly markTwap: number;
  readonly oracleTwap: number;
}

/** `PegUpdated(oldPeg, newPeg, cost, newMark)`. */
export interface PegUpdated {
  readonly oldPeg: number;
  readonly newPeg: number;
  readonly cost: number;
  readonly newMark: number;
}

/** `KUpdated(oldSqrtK, newSqrtK, cost, newMark)`. */
export interface KUpdated {
  readonly oldSqrtK: number;
  readonly newSqrtK: number;
  readonly cost: number;
  readonly newMark: number;
}

/** A hook dry run: what the hook would charge (and both valuations), or why it would revert. */
export interface HookPreview {
  /** Cost the contract charges (repeg: closed form, as SPEC §4; k: direct valuation). */
  readonly cost: number;
  readonly costClosedForm: number;
  readonly costDirect: number;
  readonly newMark: number;
  readonly refusal: Refusal | null;
}

export interface MarketCoreConfig {
  /** Initial peg = initial mark when x = y = sqrtK. */
  readonly peg: number;
  readonly sqrtK: number;
  /** Optional asymmetric start; default x = y = sqrtK. Must satisfy x·y = sqrtK². */
  readonly baseReserve?: number;
  readonly quoteReserve?: number;
  readonly budget?: number;
  readonly reservedShare?: number;
  readonly time: number;
  readonly block: number;
  readonly oraclePrice: number;
  readonly params?: Partial<import("./params").MarketParams>;
}
