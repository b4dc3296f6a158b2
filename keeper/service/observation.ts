import type { MarketObservation } from "../core/policyTypes";
import type { MarketSnapshot } from "./chain/types";

const WAD = 10n ** 18n;

/** WAD bigint → natural-unit float (1.0 = one WAD), exact to float64 precision. */
export function wadToNumber(x: bigint): number {
  const whole = x / WAD;
  const frac = x % WAD;
  return Number(whole) + Number(frac) / 1e18;
}

/** Maps one on-chain snapshot to what a policy sees (same fields and units as the simulator). */
export function toObservation(s: MarketSnapshot, volatility: number, lastUpdateTimestamp?: number): MarketObservation {
  const lastUpdate = s.lastHookTimestamp > 0 ? s.lastHookTimestamp : lastUpdateTimestamp;
  return {
    time: s.blockTimestamp,
    baseReserve: wadToNumber(s.baseReserve),
    quoteReserve: wadToNumber(s.quoteReserve),
    peg: wadToNumber(s.peg),
    sqrtK: wadToNumber(s.sqrtK),
    mark: wadToNumber(s.mark),
    oracle: wadToNumber(s.oracle),
    markTwap: wadToNumber(s.markTwap),
    oracleTwap: wadToNumber(s.oracleTwap),
    longOI: wadToNumber(s.longOI),
    shortOI: wadToNumber(s.shortOI),
    budget: wadToNumber(s.budget),
    reservedShare: wadToNumber(s.reservedShare),
    volatility,
    sinceLastUpdate: lastUpdate === undefined ? Infinity : Math.max(0, s.blockTimestamp - lastUpdate),
  };
}

/** Signed (mark − oracle) / oracle in bps. */
export function gapBps(mark: bigint, oracle: bigint): number {
  if (oracle === 0n) return 0;
  return (wadToNumber(mark) / wadToNumber(oracle) - 1) * 10_000;
}
