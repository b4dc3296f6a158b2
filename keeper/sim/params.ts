import { GUARD_TABLE, type GuardName, type GuardParam, guardParam, maxPegChangeForFee } from "../core/guardTable";
import { wadToNumber } from "../core/math/wad/units";

/**
 * Market parameters of SPEC §6 with their defaults and hard bounds (both from keeper/core/guardTable.ts).
 * Every value is validated on construction and on change, naming the offending parameter (the
 * contracts revert the same way).
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

/** A table value in the simulator's units: natural units for base amounts (1.0 = one WAD), else the integer. */
function simValue(p: GuardParam, v: bigint): number {
  return p.unit === "baseWad" ? wadToNumber(v) : Number(v);
}

/**
 * SPEC §6's defaults, from the guard table (keeper/core/guardTable.ts). maxOpenInterest has no
 * contract default (the deployer sets it): the simulator's is unbounded.
 */
export const DEFAULT_PARAMS: MarketParams = Object.freeze(
  Object.fromEntries(GUARD_TABLE.map((p) => [p.name, p.default === undefined ? Number.MAX_VALUE : simValue(p, p.default)])) as unknown as MarketParams,
);

/** Compile-time check: the guard table and MarketParams name the same parameters. */
const TABLE_NAMES_ARE_PARAMS: [GuardName] extends [keyof MarketParams] ? ([keyof MarketParams] extends [GuardName] ? true : never) : never = true;
void TABLE_NAMES_ARE_PARAMS;

type Bound = readonly [number, number];
/** Static hard bounds from the guard table; the cross bounds (mmBps ≤ imBps, the sandwich bound) are checked below. */
const BOUNDS: { readonly [K in keyof MarketParams]?: Bound } = Object.fromEntries(
  GUARD_TABLE.filter((p) => p.unit !== "baseWad" && p.name !== "mmBps").map((p) => [p.name, [simValue(p, p.min), simValue(p, p.max)] as const]),
);

export { maxPegChangeForFee };

export function validateParams(p: MarketParams): MarketParams {
  for (const key of Object.keys(DEFAULT_PARAMS) as (keyof MarketParams)[]) {
    const v = p[key];
    if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`market parameter ${key} must be a number, got ${String(v)}`);
    const b = BOUNDS[key];
    if (b && (v < b[0] || v > b[1])) throw new Error(`market parameter ${key}=${v} is outside its hard bounds [${b[0]}, ${b[1]}]`);
  }
  const mmMin = Number(guardParam("mmBps").min);
  if (p.mmBps < mmMin || p.mmBps > p.imBps) throw new Error(`market parameter mmBps=${p.mmBps} must lie in [${mmMin}, imBps=${p.imBps}]`);
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
