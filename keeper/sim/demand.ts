/**
 * The demand model's response to depth (DESIGN §7, elasticities fitted on Drift's curve history:
 * keeper/sim/params.ts CALIBRATED_DEMAND), one definition for every trader flow: the simulator's
 * Poisson stream (traders.ts) and the on-chain runner (keeper/onchain/runChain.ts).
 *   arrival rate   = arrivalRatePerSec · (sqrtK/sqrtKRef)^rateElasticity
 *   median notional = notionalMedian  · (sqrtK/sqrtKRef)^sizeElasticity
 */
import type { Scenario } from "./scenario";

type TraderConfig = Scenario["traders"];

/** Arrivals per second (informed and uninformed together) at depth sqrtK. */
export function arrivalRateAt(cfg: TraderConfig, sqrtK: number, sqrtKRef: number): number {
  return cfg.arrivalRatePerSec * Math.pow(sqrtK / sqrtKRef, cfg.rateElasticity);
}

/** Median notional of an uninformed order at depth sqrtK. */
export function medianNotionalAt(cfg: TraderConfig, sqrtK: number, sqrtKRef: number): number {
  return cfg.uninformed.notionalMedian * Math.pow(sqrtK / sqrtKRef, cfg.uninformed.sizeElasticity);
}

/** One uninformed order: lognormal notional around the depth's median (z a standard normal), side 50/50 (u uniform). */
export function uninformedOrder(cfg: TraderConfig, sqrtK: number, sqrtKRef: number, z: number, u: number): { isLong: boolean; quote: number; margin: number } {
  const quote = medianNotionalAt(cfg, sqrtK, sqrtKRef) * Math.exp(cfg.uninformed.notionalLogSd * z);
  return { isLong: u < 0.5, quote, margin: quote / cfg.uninformed.leverage };
}
