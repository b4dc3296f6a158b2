/**
 * Maps what a policy sees (MarketObservation) plus a candidate action to the model's feature input,
 * so the models trained on adjustment records can score an action before it is taken. The size and
 * cost of the candidate come from the curve (DESIGN §3–4): terminal reserves x_t = x + d,
 * y_t = x·y/(x + d) with d = longOI − shortOI.
 */
import type { Action, MarketObservation } from "../core/policyTypes";
import type { FeatureInput } from "./adjustmentRecord";

export interface ObservationFeatureOptions {
  /** Repeg guard rail (DESIGN §6): the candidate peg move is clipped to this. */
  readonly maxPegChangeBps: number;
  /** Step used when a kUp/kDown action carries no stepBps. */
  readonly defaultKStepBps: number;
}

export const DEFAULT_OBSERVATION_FEATURE_OPTIONS: ObservationFeatureOptions = { maxPegChangeBps: 100, defaultKStepBps: 100 };

/** Relative peg change that would put the mark exactly on the oracle. */
export function fullRepegSize(obs: MarketObservation): number {
  const target = (obs.oracle * obs.baseReserve) / obs.quoteReserve;
  return (target - obs.peg) / obs.peg;
}

/** Feature input for a candidate action; null for hold (nothing to score). */
export function observationFeatures(
  obs: MarketObservation,
  action: Action,
  options: Partial<ObservationFeatureOptions> = {},
): FeatureInput | null {
  if (action.kind === "hold") return null;
  const o = { ...DEFAULT_OBSERVATION_FEATURE_OPTIONS, ...options };
  checkObservation(obs);
  const x = obs.baseReserve;
  const y = obs.quoteReserve;
  const P = obs.peg;
  const d = obs.longOI - obs.shortOI;
  if (x + d <= 0) throw new Error(`observation: baseReserve + net position must be > 0 (x=${x}, d=${d})`);

  let size: number;
  let cost: number;
  if (action.kind === "repeg") {
    const fraction = action.fraction ?? 1;
    if (!(fraction >= 0 && fraction <= 1)) throw new Error(`repeg fraction must be in [0, 1], got ${fraction}`);
    const cap = o.maxPegChangeBps / 1e4;
    size = Math.max(-cap, Math.min(cap, fullRepegSize(obs) * fraction));
    cost = ((y * d) / (x + d)) * (P * size);
  } else {
    const step = action.stepBps ?? o.defaultKStepBps;
    if (!(step > 0 && step < 1e4)) throw new Error(`${action.kind} stepBps must be in (0, 10000), got ${step}`);
    const p = 1 + ((action.kind === "kUp" ? 1 : -1) * step) / 1e4;
    size = p - 1;
    cost = P * y * d * (p / (p * x + d) - 1 / (x + d));
  }
  return {
    kind: action.kind === "repeg" ? "repeg" : "k",
    size,
    ...marketFeatures(obs),
    cost,
  };
}

/** The action-independent part (also the size regressor's input). */
export function marketFeatures(obs: MarketObservation): Omit<FeatureInput, "kind" | "size" | "cost"> {
  checkObservation(obs);
  const total = obs.longOI + obs.shortOI;
  const useTwap = obs.oracleTwap > 0 && obs.markTwap > 0;
  const gap = useTwap ? (obs.markTwap - obs.oracleTwap) / obs.oracleTwap : (obs.mark - obs.oracle) / obs.oracle;
  return {
    imbalance: total > 0 ? (obs.longOI - obs.shortOI) / total : 0,
    oi: total / obs.sqrtK,
    gap,
    budget: obs.budget,
    vol: obs.volatility,
    sinceLast: obs.sinceLastUpdate,
  };
}

function checkObservation(obs: MarketObservation): void {
  for (const k of ["baseReserve", "quoteReserve", "peg", "sqrtK", "oracle", "mark"] as const) {
    if (!(Number.isFinite(obs[k]) && obs[k] > 0)) throw new Error(`observation: ${k} must be a positive number, got ${obs[k]}`);
  }
  for (const k of ["longOI", "shortOI", "budget", "volatility"] as const) {
    if (!(Number.isFinite(obs[k]) && obs[k] >= 0)) throw new Error(`observation: ${k} must be a non-negative number, got ${obs[k]}`);
  }
  if (!(obs.sinceLastUpdate >= 0)) throw new Error(`observation: sinceLastUpdate must be >= 0 or Infinity, got ${obs.sinceLastUpdate}`);
}
