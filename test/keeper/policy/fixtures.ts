/** Hand-made observations for policy tests. */
import type { MarketObservation } from "../../../keeper/core/policyTypes";

/**
 * A curve at price `oracle` with mark off by `gapBps`, net user position `net` (base) and the
 * given budget. Reserves are x = y = sqrtK so the mark is the peg.
 */
export function makeObs(o: { gapBps?: number; longOI?: number; shortOI?: number; budget?: number; oracle?: number; sqrtK?: number; markTwapBps?: number; volatility?: number }): MarketObservation {
  const oracle = o.oracle ?? 100;
  const sqrtK = o.sqrtK ?? 1_000_000;
  const mark = oracle * (1 + (o.gapBps ?? 0) / 1e4);
  const longOI = o.longOI ?? 0;
  const shortOI = o.shortOI ?? 0;
  const d = longOI - shortOI;
  // Users bought d base from the curve: x = sqrtK − d… keep it simple: choose x so that x + d = sqrtK.
  const x = sqrtK - d;
  const y = (sqrtK * sqrtK) / x;
  const peg = mark / (y / x);
  return {
    time: 0,
    baseReserve: x,
    quoteReserve: y,
    peg,
    sqrtK,
    mark,
    oracle,
    markTwap: oracle * (1 + (o.markTwapBps ?? o.gapBps ?? 0) / 1e4),
    oracleTwap: oracle,
    longOI,
    shortOI,
    budget: o.budget ?? 1e9,
    reservedShare: 0,
    volatility: o.volatility ?? 0,
    sinceLastUpdate: Infinity,
  };
}
