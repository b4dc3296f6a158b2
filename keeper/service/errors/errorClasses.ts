/**
 * What the keeper does after an error:
 * - retryNow: transient transport trouble (network, timeouts, nonce too low): retry with backoff.
 * - nextBlock: a guard that clears with time (cooldown, fluctuation limit, stale oracle, daily cap):
 *   skip this tick, decide again on the next one.
 * - never: retrying cannot help (role missing, parameter bounds, budget exceeded, paused): halt the
 *   market's job and say why.
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
  Oracle_StaleAnswer: "nextBlock",
  Oracle_IncompleteRound: "nextBlock",
  Oracle_NonPositiveAnswer: "nextBlock",
  // The oracle or the open interest moved between our read and the call: re-plan next tick.
  Vamm_NotTowardOracle: "nextBlock",
  Vamm_PastOracle: "nextBlock",
  Vamm_SqrtKBelowNetPosition: "nextBlock",
  Vamm_FundingNotDue: "nextBlock",
  // Retrying cannot help: halt the market's job and say why.
  Vamm_Paused: "never",
  CH_Paused: "never",
  Vamm_PegChangeTooLarge: "never",
  Vamm_KChangeOutOfBounds: "never",
  Vamm_CostExceedsBudget: "never",
  Vamm_InvalidParameter: "never",
  Vamm_UnknownParameter: "never",
  Vamm_OnlyClearingHouse: "never",
  Vamm_ZeroAddress: "never",
  Vamm_ReduceOnly: "never",
  Vamm_OpenInterestCapExceeded: "never",
  Vamm_InsufficientLiquidity: "never",
  Vamm_ZeroBaseAmount: "never",
  Vamm_InsufficientReserve: "never",
  Oracle_UnsupportedDecimals: "never",
  CH_UnknownMarket: "never",
  CH_MarketMismatch: "never",
  // OpenZeppelin
  AccessControlUnauthorizedAccount: "never",
  AccessControlBadConfirmation: "never",
  EnforcedPause: "never",
  ExpectedPause: "never",
};

/**
 * Fallback by name pattern for errors not in the table, so a renamed or added guard still lands in
 * the right class. nextBlock patterns are tried before never patterns ("DailyCapExceeded" is a rate
 * limit, not a bound).
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
];

export const NEVER_PATTERNS: readonly RegExp[] = [
  /Unauthori[sz]ed|MissingRole|NotKeeper|OnlyKeeper/i,
  /Pause/i,
  /Budget/i,
  /Bound|OutOfRange|TooLarge|TooSmall|TooBig|Exceed|Past|Overshoot|WrongDirection|Direction|BelowNet|Below|Above/i,
  /ReduceOnly/i,
];

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

export function classOfErrorName(name: string): ErrorClass {
  const exact = ERROR_CLASS_BY_NAME[name];
  if (exact) return exact;
  if (NEXT_BLOCK_PATTERNS.some((p) => p.test(name))) return "nextBlock";
  if (NEVER_PATTERNS.some((p) => p.test(name))) return "never";
  return "never"; // an unknown guard: halting and saying so beats hammering the chain
}
