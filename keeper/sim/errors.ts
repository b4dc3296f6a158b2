/**
 * Typed reverts of the simulator. `name` is the Solidity custom error's name (SPEC §7: `Vamm_*`,
 * `CH_*`, `Oracle_*`) so the parity test can compare a simulator refusal with an on-chain revert
 * by name and arguments. The list mirrors contracts/interfaces/I*Errors.sol.
 */
export const REVERT_NAMES = [
  // VammMarket
  "Vamm_Paused",
  "Vamm_ReduceOnly",
  "Vamm_FluctuationLimitExceeded",
  "Vamm_OpenInterestCapExceeded",
  "Vamm_InsufficientLiquidity",
  "Vamm_FundingNotDue",
  "Vamm_OracleTwapDivergence",
  "Vamm_NotTowardOracle",
  "Vamm_PastOracle",
  "Vamm_PegChangeTooLarge",
  "Vamm_KChangeOutOfBounds",
  "Vamm_SqrtKBelowNetPosition",
  "Vamm_CostExceedsBudget",
  "Vamm_HookCooldown",
  "Vamm_DailyCostCapExceeded",
  "Vamm_InvalidParameter",
  "Vamm_UnknownParameter",
  "Vamm_ZeroBaseAmount",
  "Vamm_InsufficientReserve",
  "Vamm_OnlyClearingHouse",
  "Vamm_ZeroAddress",
  "Vamm_KDecreaseCapExceeded",
  "Vamm_HookMoveCapExceeded",
  "Vamm_VolatilityBreaker",
  "Vamm_RepegBelowMinimum",
  // ClearingHouse
  "CH_Paused",
  "CH_ZeroAmount",
  "CH_DeadlinePassed",
  "CH_InsufficientCollateral",
  "CH_NoPosition",
  "CH_BaseLimitExceeded",
  "CH_QuoteLimitExceeded",
  "CH_BelowInitialMargin",
  "CH_NegativeMargin",
  "CH_NotLiquidatable",
  "CH_SizeExceedsPosition",
  "CH_UnknownMarket",
  "CH_MarketAlreadyAdded",
  "CH_MarketMismatch",
  "CH_UnsupportedCollateral",
  "CH_ZeroAddress",
  "CH_PositionTooLarge",
  "CH_UnknownFundingEpoch",
  "CH_LiquidationBeyondBand",
  "CH_MarketCollateralShort",
  "CH_NoClaim",
  // OracleAdapter
  "Oracle_NonPositiveAnswer",
  "Oracle_IncompleteRound",
  "Oracle_StaleAnswer",
  "Oracle_UnsupportedDecimals",
] as const;

export type RevertName = (typeof REVERT_NAMES)[number];
export type RevertArg = number | string | boolean;

/** A refusal as data (the fast path returns these instead of throwing). */
export interface Refusal {
  readonly name: RevertName;
  readonly args: readonly RevertArg[];
}

export class SimRevert extends Error {
  override readonly name: RevertName;
  readonly args: readonly RevertArg[];
  constructor(name: RevertName, ...args: RevertArg[]) {
    super(`${name}(${args.join(", ")})`);
    this.name = name;
    this.args = args;
  }
}

export function revert(r: Refusal): never {
  throw new SimRevert(r.name, ...r.args);
}

export function isRevert(e: unknown, name?: RevertName): e is SimRevert {
  return e instanceof SimRevert && (name === undefined || e.name === name);
}
