/**
 * Typed reverts of the simulator. Each is a Solidity custom error (SPEC §7: `Vamm_*`, `CH_*`,
 * `Oracle_*`) with the arguments the simulator passes, named as the contracts name them, so the
 * parity test can compare a simulator refusal with an on-chain revert by name and arguments. Only the
 * errors the simulator raises are listed; test/keeper/sim/errors.test.ts holds every entry to the
 * compiled ABI (same name, same argument count) and lists the ABI's other errors with the reason the
 * simulator does not model them.
 */
export const SIM_ERRORS = {
  // VammMarket
  Vamm_Paused: [],
  Vamm_ReduceOnly: [],
  Vamm_FluctuationLimitExceeded: ["moveBps", "limitBps"],
  Vamm_OpenInterestCapExceeded: ["openInterest", "maxOpenInterest"],
  Vamm_InsufficientLiquidity: ["reserve", "required"],
  Vamm_FundingNotDue: ["nextFundingTime", "nowTimestamp"],
  Vamm_OracleTwapDivergence: ["divergenceBps", "maxBps"],
  Vamm_NotTowardOracle: ["mark", "newMark", "oracle"],
  Vamm_PastOracle: ["newMark", "oracle"],
  Vamm_PegChangeTooLarge: ["bps", "max"],
  Vamm_KChangeOutOfBounds: ["sqrtK", "newSqrtK"],
  Vamm_SqrtKBelowNetPosition: ["newSqrtK", "netPosition"],
  Vamm_CostExceedsBudget: ["cost", "budget"],
  Vamm_HookCooldown: ["lastHookBlock", "blockNumber"],
  Vamm_DailyCostCapExceeded: ["spent", "cost", "cap"],
  Vamm_KDecreaseCapExceeded: ["usedBps", "bps", "capBps"],
  Vamm_HookMoveCapExceeded: ["usedBps", "moveBps", "capBps"],
  Vamm_VolatilityBreaker: ["lastOraclePrice", "oracleTwap", "breakerBps"],
  Vamm_RepegBelowMinimum: ["fittedPeg", "minPeg"],
  // ClearingHouse
  CH_Paused: [],
  CH_ZeroAmount: [],
  CH_DeadlinePassed: ["deadline", "nowTimestamp"],
  CH_InsufficientCollateral: ["available", "required"],
  CH_NoPosition: ["trader", "market"],
  CH_BaseLimitExceeded: ["base", "limit"],
  CH_QuoteLimitExceeded: ["quote", "limit"],
  CH_BelowInitialMargin: ["value", "required"],
  CH_NegativeMargin: ["margin"],
  CH_NotLiquidatable: ["equity", "maintenance"],
  CH_SizeExceedsPosition: ["size", "position"],
  CH_PositionTooLarge: ["size", "maxAbsSize"],
  CH_LiquidationBeyondBand: ["mark", "marginPrice"],
  CH_MarketCollateralShort: ["market", "available", "required"],
  // OracleAdapter
  Oracle_NonPositiveAnswer: ["answer"],
  Oracle_IncompleteRound: ["roundId", "answeredInRound"],
  Oracle_StaleAnswer: ["updatedAt", "maxAge"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type RevertName = keyof typeof SIM_ERRORS;
export const REVERT_NAMES = Object.keys(SIM_ERRORS) as readonly RevertName[];
export type RevertArg = number | string | boolean;

/** One value per name in `T` (a homomorphic map, so a tuple stays a tuple of the same length). */
type ArgsFor<T extends readonly string[]> = { readonly [I in keyof T]: RevertArg };
/** The arguments of `N`: one value per argument SIM_ERRORS names, checked at compile time. */
export type RevertArgs<N extends RevertName> = ArgsFor<(typeof SIM_ERRORS)[N]>;

/** A refusal as data (the fast path returns these instead of throwing). */
export type Refusal = { readonly [N in RevertName]: { readonly name: N; readonly args: RevertArgs<N> } }[RevertName];

/** `new SimRevert(name, ...args)`'s parameters: the arity follows the name. */
type RevertCall = { [N in RevertName]: [name: N, ...args: RevertArgs<N>] }[RevertName];

export class SimRevert extends Error {
  override readonly name: RevertName;
  readonly args: readonly RevertArg[];
  constructor(...[name, ...args]: RevertCall) {
    super(`${name}(${args.join(", ")})`);
    this.name = name;
    this.args = args;
  }
}

export function revert(r: Refusal): never {
  throw new SimRevert(...([r.name, ...r.args] as RevertCall));
}

export function isRevert(e: unknown, name?: RevertName): e is SimRevert {
  return e instanceof SimRevert && (name === undefined || e.name === name);
}
