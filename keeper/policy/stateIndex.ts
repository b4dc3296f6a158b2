/**
 * Observation → integer state index (mixed radix over the configured dimensions), so the
 * Q-table can be one flat typed array.
 */
import { gapBps as gapBpsOfPrices } from "../core/math/float/gap";
import type { MarketObservation } from "../core/policyTypes";
import type { BucketEdges, StateConfig } from "./mdpConfig";

/** n edges → buckets 0..n: below edges[0] is 0, [edges[i-1], edges[i]) is i, ≥ edges[n-1] is n. */
export function bucketOf(value: number, edges: BucketEdges): number {
  if (Number.isNaN(value)) throw new Error("cannot bucket NaN (an observation field is missing or invalid)");
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value >= edges[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function normalisedImbalance(obs: MarketObservation, by: "totalOI" | "sqrtK"): number {
  const net = obs.longOI - obs.shortOI;
  if (by === "totalOI") {
    const total = obs.longOI + obs.shortOI;
    return total > 0 ? net / total : 0;
  }
  return obs.sqrtK > 0 ? net / obs.sqrtK : 0;
}

export function gapBps(obs: MarketObservation): number {
  return gapBpsOfPrices(obs.mark, obs.oracle);
}

export function budgetBps(obs: MarketObservation): number {
  const depth = obs.oracle * obs.sqrtK;
  return depth > 0 ? (obs.budget / depth) * 1e4 : 0;
}

/** sqrtK relative to the market's reference depth (1 when the observation has none). */
export function depthRatio(obs: MarketObservation): number {
  return obs.depthRef && obs.depthRef > 0 ? obs.sqrtK / obs.depthRef : 1;
}

/**
 * The users' net side: the sign of longOI − shortOI, or 0 when the imbalance is below
 * `minImbalance` of total OI (the side is then noise). The AMM holds the other side.
 */
export function usersNetSide(obs: MarketObservation, minImbalance: number): -1 | 0 | 1 {
  const net = obs.longOI - obs.shortOI;
  const total = obs.longOI + obs.shortOI;
  if (!(total > 0) || net === 0 || Math.abs(net) / total < minImbalance) return 0;
  return net > 0 ? 1 : -1;
}

/**
 * The funding premium (TWAP, bps) the AMM receives: positive when the users' larger side pays it
 * (longs pay shorts when the premium is positive, and the AMM is short when users are net long).
 */
export function ammFundingBps(obs: MarketObservation, minImbalance: number): number {
  const side = usersNetSide(obs, minImbalance);
  if (side === 0 || !(obs.oracleTwap > 0)) return 0;
  return side * ((obs.markTwap - obs.oracleTwap) / obs.oracleTwap) * 1e4;
}

/**
 * The mark–oracle gap (bps) signed by the users' net side: positive when a repeg toward the oracle
 * costs the protocol less than nothing (it lowers the value of the users' net position).
 */
export function repegGainBps(obs: MarketObservation, minImbalance: number): number {
  const side = usersNetSide(obs, minImbalance);
  return side === 0 ? 0 : side * gapBps(obs);
}

interface Dimension {
  readonly name: string;
  readonly edges: BucketEdges;
  readonly feature: (obs: MarketObservation) => number;
}

function dimensions(cfg: StateConfig): Dimension[] {
  const dims: Dimension[] = [
    { name: "imbalance", edges: cfg.imbalance.edges, feature: (o) => normalisedImbalance(o, cfg.imbalance.normaliseBy) },
  ];
  if (cfg.gapBps) dims.push({ name: "gapBps", edges: cfg.gapBps.edges, feature: gapBps });
  if (cfg.budgetBps) dims.push({ name: "budgetBps", edges: cfg.budgetBps.edges, feature: budgetBps });
  if (cfg.volatility) dims.push({ name: "volatility", edges: cfg.volatility.edges, feature: (o) => o.volatility });
  if (cfg.depth) dims.push({ name: "depth", edges: cfg.depth.edges, feature: depthRatio });
  if (cfg.sinceUpdateHours) dims.push({ name: "sinceUpdateHours", edges: cfg.sinceUpdateHours.edges, feature: (o) => o.sinceLastUpdate / 3600 });
  const funding = cfg.ammFundingBps;
  if (funding) dims.push({ name: "ammFundingBps", edges: funding.edges, feature: (o) => ammFundingBps(o, funding.minImbalance) });
  const gain = cfg.repegGainBps;
  if (gain) dims.push({ name: "repegGainBps", edges: gain.edges, feature: (o) => repegGainBps(o, gain.minImbalance) });
  return dims;
}

export interface StateSpace {
  readonly size: number;
  /** Dimension names with their bucket counts, first dimension most significant. */
  readonly dims: readonly { name: string; buckets: number; edges: BucketEdges }[];
  index(obs: MarketObservation): number;
  /** Bucket per dimension of a state index (inverse of the mixed-radix encoding). */
  decode(state: number): number[];
  /** Human label, e.g. "imbalance[-0.1,-0.02) gapBps[5,15)". */
  label(state: number): string;
}

function bucketLabel(edges: BucketEdges, b: number): string {
  const lo = b === 0 ? "-∞" : String(edges[b - 1]);
  const hi = b === edges.length ? "∞" : String(edges[b]);
  return `[${lo},${hi})`;
}

export function createStateSpace(cfg: StateConfig): StateSpace {
  const dims = dimensions(cfg);
  const radices = dims.map((d) => d.edges.length + 1);
  const size = radices.reduce((a, b) => a * b, 1);
  const decode = (state: number): number[] => {
    if (!Number.isInteger(state) || state < 0 || state >= size) throw new Error(`state ${state} outside 0..${size - 1}`);
    const out = new Array<number>(dims.length);
    for (let i = dims.length - 1; i >= 0; i--) {
      out[i] = state % radices[i];
      state = Math.floor(state / radices[i]);
    }
    return out;
  };
  return {
    size,
    dims: dims.map((d, i) => ({ name: d.name, buckets: radices[i], edges: d.edges })),
    index(obs) {
      let s = 0;
      for (let i = 0; i < dims.length; i++) s = s * radices[i] + bucketOf(dims[i].feature(obs), dims[i].edges);
      return s;
    },
    decode,
    label(state) {
      const b = decode(state);
      return dims.map((d, i) => `${d.name}${bucketLabel(d.edges, b[i])}`).join(" ");
    },
  };
}
