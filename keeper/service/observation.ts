import type { MarketObservation } from "../core/policyTypes";
import type { MarketSnapshot } from "./chain/types";

import { wadToNumber } from "../core/math/wad/units";

/**
 * Realised oracle volatility per √day from the oracle answers the job has seen: an EWMA of
 * squared log returns scaled by the elapsed time. 0 until two samples exist.
 */
export class VolatilityEstimator {
  private last?: { t: number; p: number };
  private varPerSecond = 0;
  private samples = 0;

  constructor(private readonly halfLifeSamples = 30) {}

  update(timestamp: number, price: number): number {
    if (this.last && timestamp > this.last.t && price > 0 && this.last.p > 0) {
      const r = Math.log(price / this.last.p);
      const inst = (r * r) / (timestamp - this.last.t);
      const alpha = 1 - Math.pow(0.5, 1 / this.halfLifeSamples);
      this.varPerSecond = this.samples === 0 ? inst : (1 - alpha) * this.varPerSecond + alpha * inst;
      this.samples += 1;
    }
    if (!this.last || timestamp > this.last.t) this.last = { t: timestamp, p: price };
    return this.value;
  }

  get value(): number {
    return this.samples === 0 ? 0 : Math.sqrt(this.varPerSecond * 86_400);
  }
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

