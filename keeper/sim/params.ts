/**
 * Market parameters of SPEC §6 with their defaults and hard bounds. Every value is validated on
 * construction and on change, naming the offending parameter (the contracts revert the same way).
 */
export interface MarketParams {
  readonly feeBps: number;
  readonly reserveShareBps: number;
  readonly imBps: number;
  readonly mmBps: number;
  readonly liquidationFeeBps: number;
  readonly fundingPeriod: number;
  /** TWAP window W in seconds; SPEC default = fundingPeriod. */
  readonly twapWindow: number;
  readonly fundingCapBps: number;
  readonly fundingBudgetShareBps: number;
  readonly maxOracleAgeHooks: number;
  readonly maxOracleAgeMargin: number;
  readonly maxOracleTwapDivergenceBps: number;
  readonly maxPegChangeBps: number;
  readonly maxKIncreaseBps: number;
  readonly maxKDecreaseBps: number;
  readonly hookCooldownBlocks: number;
  readonly dailyCostCapBps: number;
  readonly fluctuationLimitBps: number;
  /** Base units (long + short OI) after any increase. */
  readonly maxOpenInterest: number;
  /** Rolling-24 h cap on the sum of k decreases (bps of sqrtK per call, ceil). */
  readonly maxDailyKDecreaseBps: number;
  /** Length of the tumbling hook windows whose moves (prev + cur) are capped by maxPegChangeBps. */
  readonly hookWindowSeconds: number;
  /** Volatility breaker: opens are refused while the last oracle observation is this far from the oracle TWAP. */
  readonly oracleBreakerBps: number;
  /** Liquidation execution band: a liquidation close may not push the mark more than this beyond the margin price. */
  readonly maxLiquidationSlippageBps: number;
}

export const DEFAULT_PARAMS: MarketParams = Object.freeze({
  feeBps: 10,
  reserveShareBps: 5000,
  imBps: 1000,
  mmBps: 625,
  liquidationFeeBps: 250,
  fundingPeriod: 3600,
  twapWindow: 3600,
  fundingCapBps: 1000,
  fundingBudgetShareBps: 3333,
  maxOracleAgeHooks: 60,
  maxOracleAgeMargin: 3600,
  maxOracleTwapDivergenceBps: 1000,
  maxPegChangeBps: 19,
  maxKIncreaseBps: 100,
  maxKDecreaseBps: 220,
  hookCooldownBlocks: 1,
  dailyCostCapBps: 2000,
  fluctuationLimitBps: 200,
  maxOpenInterest: Number.MAX_VALUE,
  maxDailyKDecreaseBps: 500,
  hookWindowSeconds: 3600,
  oracleBreakerBps: 500,
  maxLiquidationSlippageBps: 500,
});

type Bound = readonly [number, number];
const BOUNDS: { readonly [K in keyof MarketParams]?: Bound } = {
  feeBps: [1, 100],
  reserveShareBps: [1000, 9000],
  imBps: [200, 5000],
  liquidationFeeBps: [50, 1000],
  fundingPeriod: [600, 86400],
  twapWindow: [1, 86400 * 7],
  fundingCapBps: [10, 5000],
  fundingBudgetShareBps: [0, 10000],
  maxOracleAgeHooks: [10, 86400],
  maxOracleAgeMargin: [10, 86400],
  maxOracleTwapDivergenceBps: [100, 5000],
  maxPegChangeBps: [1, 2000],
  maxKIncreaseBps: [1, 1000],
  maxKDecreaseBps: [1, 1000],
  hookCooldownBlocks: [1, 7200],
  dailyCostCapBps: [0, 10000],
  fluctuationLimitBps: [10, 5000],
  maxDailyKDecreaseBps: [1, 2000],
  hookWindowSeconds: [60, 86400],
  oracleBreakerBps: [50, 5000],
  maxLiquidationSlippageBps: [100, 5000],
};

/** Throws naming the first parameter outside its hard bounds. */
/**
 * The largest maxPegChangeBps the sandwich bound allows for a fee (SPEC §6, the contracts' check):
 * maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4, floored (19 for feeBps 10).
 */
export function maxPegChangeForFee(feeBps: number): number {
  return Math.floor((2 * feeBps * 1e4) / (1e4 + feeBps));
}

export function validateParams(p: MarketParams): MarketParams {
  for (const key of Object.keys(DEFAULT_PARAMS) as (keyof MarketParams)[]) {
    const v = p[key];
    if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`market parameter ${key} must be a number, got ${String(v)}`);
    const b = BOUNDS[key];
    if (b && (v < b[0] || v > b[1])) throw new Error(`market parameter ${key}=${v} is outside its hard bounds [${b[0]}, ${b[1]}]`);
  }
  if (p.mmBps < 100 || p.mmBps > p.imBps) throw new Error(`market parameter mmBps=${p.mmBps} must lie in [100, imBps=${p.imBps}]`);
  // The sandwich bound (SPEC §6): a hook's move s per window never beats a round trip's fees fee·(2 − s).
  if (p.maxPegChangeBps > maxPegChangeForFee(p.feeBps)) {
    throw new Error(
      `market parameter maxPegChangeBps=${p.maxPegChangeBps} must be ≤ ⌊2·feeBps·1e4/(1e4 + feeBps)⌋=${maxPegChangeForFee(p.feeBps)} (feeBps=${p.feeBps})`,
    );
  }
  if (!(p.maxOpenInterest > 0)) throw new Error(`market parameter maxOpenInterest=${p.maxOpenInterest} must be > 0`);
  return p;
}

export function makeParams(overrides: Partial<MarketParams> = {}): MarketParams {
  const merged = { ...DEFAULT_PARAMS, ...overrides };
  // SPEC: the TWAP window defaults to the funding period.
  if (overrides.twapWindow === undefined) merged.twapWindow = merged.fundingPeriod;
  return Object.freeze(validateParams(merged));
}

/**
 * Demand and informed flow fitted to Drift v1's history by `npm run calibrate` (figures in
 * keeper/calibration/calibration.json and BENCHMARKS.md). Only the sum of the two depth
 * elasticities is identified by the data (fees give volume, not counts): it is split evenly.
 */
export const CALIBRATED_DEMAND = Object.freeze({
  /** Pooled log-log fit b_k = 0.509, 95 % [0.293, 0.725]: volume ∝ sqrtK^(rate + size elasticity). */
  depthElasticity: 0.509,
  depthElasticityRange: Object.freeze([0.293, 0.725] as const),
  rateElasticity: 0.2545,
  sizeElasticity: 0.2545,
  /** Informed flow with the smallest KS distance (0.088) to Drift's hourly |mark/oracle TWAP gap|. */
  informedProb: 0.02,
  informedEdgeBps: 40,
});
