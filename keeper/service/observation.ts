import type { MarketObservation } from "../core/policyTypes";
import type { MarketSnapshot } from "./rpc/types";

import { wadToNumber } from "../core/math/wad/units";

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

