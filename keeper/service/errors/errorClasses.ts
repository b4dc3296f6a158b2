/**
 * What the keeper does after an error:
 * - retryNow: transient transport trouble (network, timeouts, nonce too low): retry with backoff.
 * - nextBlock: a guard that depends on market state (cooldown, fluctuation limit, stale oracle,
 *   budget, daily cap, bounds, pause, reduce-only): skip this tick, decide again on the next one.
 *   Seen at preview / simulation time it is a journaled skip, never a halt: budgets refill with
 *   fees, pauses get lifted, oracles update.
 * - never: retrying the same call cannot help (a bad call, insufficient gas funds). Counted toward
 *   maxConsecutiveFailures rather than halting at once.
 * Orthogonal to the class, a ClassifiedError may say the keeper itself is misconfigured (missing
 * role, wrong chain, unknown contract / ABI mismatch): that halts the job at once and says why.
 */
export type ErrorClass = "retryNow" | "nextBlock" | "never";

/**
 * Exact custom-error names (contracts/interfaces/I*Errors.sol and OpenZeppelin) → class. Checked
 * first; the patterns below only catch names added later.
 */
export const ERROR_CLASS_BY_NAME: Readonly<Record<string, ErrorClass>> = {
  // Clears with time or with the next oracle update / block.
  Vamm_HookCooldown: "nextBlock",
  Vamm_FluctuationLimitExceeded: "nextBlock",
  Vamm_DailyCostCapExceeded: "nextBlock",
  Vamm_OracleTwapDivergence: "nextBlock",
  // Issue-13 rate limits: room returns as the hook window / day window rolls (SPEC §6).
  Vamm_HookMoveCapExceeded: "nextBlock",
  Vamm_KDecreaseCapExceeded: "nextBlock",
  // repegToward's fitted step fell short of the keeper's minPeg: the room was used meanwhile; re-plan.
  Vamm_RepegBelowMinimum: "nextBlock",
  // Opens refused while the oracle jumps (set / cleared by the next observation); never a keeper fault.
  Vamm_VolatilityBreaker: "nextBlock",
  Oracle_StaleAnswer: "nextBlock",
  Oracle_IncompleteRound: "nextBlock",
  Oracle_NonPositiveAnswer: "nextBlock",
  // The oracle or the open interest moved between our read and the call: re-plan next tick.
  Vamm_NotTowardOracle: "nextBlock",
  Vamm_PastOracle: "nextBlock",
  Vamm_SqrtKBelowNetPosition: "nextBlock",
  Vamm_FundingNotDue: "nextBlock",
  // Bounds and budget are relative to the state the plan was made from: re-plan from fresh state.
  Vamm_PegChangeTooLarge: "nextBlock",
  Vamm_KChangeOutOfBounds: "nextBlock",
  Vamm_CostExceedsBudget: "nextBlock", // the budget refills with fees
  Vamm_ReduceOnly: "nextBlock",
  Vamm_OpenInterestCapExceeded: "nextBlock",
  Vamm_InsufficientLiquidity: "nextBlock",
  // Lifted by the admin; the job backs off meanwhile (PAUSE_ERRORS).
  Vamm_Paused: "nextBlock",
  CH_Paused: "nextBlock",
  EnforcedPause: "nextBlock",
  // Retrying the same call cannot help.
  Vamm_InvalidParameter: "never",
  Vamm_UnknownParameter: "never",
  Vamm_OnlyClearingHouse: "never",
  Vamm_ZeroAddress: "never",
  Vamm_ZeroBaseAmount: "never",
  Vamm_InsufficientReserve: "never",
  Oracle_UnsupportedDecimals: "never",
  CH_UnknownMarket: "never",
  CH_MarketMismatch: "never",
  // OpenZeppelin
  AccessControlUnauthorizedAccount: "never",
  AccessControlBadConfirmation: "never",
  ExpectedPause: "never",
};

/** Errors that mean "paused": skipped like any guard, and the job also backs off. */
export const PAUSE_ERRORS: ReadonlySet<string> = new Set(["Vamm_Paused", "CH_Paused", "EnforcedPause"]);

/**
 * Errors that can only mean the keeper is pointed at the wrong thing (a market of another
 * ClearingHouse, an address that is not a market). AccessControlUnauthorizedAccount is judged
 * separately: it is a misconfiguration only when the account is the keeper's own.
 */
export const MISCONFIGURATION_ERRORS: ReadonlySet<string> = new Set(["CH_UnknownMarket", "CH_MarketMismatch", "Vamm_OnlyClearingHouse"]);

/**
 * Fallback by name pattern for errors not in the table, so a renamed or added guard still lands in
 * the right class. nextBlock patterns are tried before never patterns.
 */
export const NEXT_BLOCK_PATTERNS: readonly RegExp[] = [
  /Cooldown/i,
  /Fluctuation/i,
  /Stale/i,
  /TooOld/i,
  /Diverge/i,
  /DailyCap|DailyCost|RateLimit/i,
  /IncompleteRound|RoundIncomplete|NotAnswered/i,
  /NonPositive|InvalidAnswer|BadAnswer/i,
  /Pause/i,
  /Budget/i,
  /Bound|OutOfRange|TooLarge|TooSmall|TooBig|Exceed|Past|Overshoot|WrongDirection|Direction|BelowNet|Toward/i,
  /ReduceOnly/i,
];

export const NEVER_PATTERNS: readonly RegExp[] = [/Unauthori[sz]ed|MissingRole|NotKeeper|OnlyKeeper/i, /Invalid|Unknown|Zero/i];

/** ethers v6 error codes and Node errno codes that mean "the transport hiccupped". */
export const RETRY_NOW_CODES: ReadonlySet<string> = new Set([
  "NETWORK_ERROR",
  "TIMEOUT",
  "SERVER_ERROR",
  "NONCE_EXPIRED",
  "REPLACEMENT_UNDERPRICED",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "RPC_TIMEOUT",
]);

export const RETRY_NOW_MESSAGE = /nonce too low|nonce has already been used|timeout|timed out|socket hang up|ECONNREFUSED|ECONNRESET|fetch failed|network|429|too many requests|header not found|missing response/i;

/** Codes that are our own or the node's way of saying "this can never succeed as sent". */
export const NEVER_CODES: ReadonlySet<string> = new Set(["INSUFFICIENT_FUNDS", "INVALID_ARGUMENT", "UNSUPPORTED_OPERATION", "NOT_IMPLEMENTED", "UNCONFIGURED_NAME"]);

/** Node / ethers messages that say the keeper talks to the wrong chain (checked before the transport patterns). */
export const WRONG_CHAIN_MESSAGE = /network changed|invalid chain ?id|chain ?id mismatch|wrong chain ?id|incompatible chain ?id|replay[- ]protected/i;

export function classOfErrorName(name: string): ErrorClass {
  const exact = ERROR_CLASS_BY_NAME[name];
  if (exact) return exact;
  if (NEXT_BLOCK_PATTERNS.some((p) => p.test(name))) return "nextBlock";
  if (NEVER_PATTERNS.some((p) => p.test(name))) return "never";
  return "never"; // an unknown guard: counted toward maxConsecutiveFailures, not hammered forever
}
