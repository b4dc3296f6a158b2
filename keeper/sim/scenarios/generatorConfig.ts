/**
 * What the scenario generator draws from: split seed ranges, real-price date windows per split,
 * family weights and parameter ranges. Demand elasticities and the informed flow come from the
 * calibration on Drift's history (keeper/sim/params.ts CALIBRATED_DEMAND).
 */
import { CALIBRATED_DEMAND } from "../params";

export type Split = "train" | "validation" | "test";
export const SPLITS: readonly Split[] = ["train", "validation", "test"];

/** Seeds [from, to) of each split: disjoint, so a seed alone names its split and its scenario. */
export const SEED_RANGES: Readonly<Record<Split, readonly [number, number]>> = {
  train: [1_000_000, 2_000_000],
  validation: [2_000_000, 3_000_000],
  test: [3_000_000, 4_000_000],
};

export interface RealSeries {
  readonly file: string;
  /** Per split: [from, to) ISO dates; every window of the split lies inside, so splits share no data. */
  readonly windows: Readonly<Record<Split, readonly [string, string]>>;
}

/** Real price series under data/prices (sources in data/prices/SOURCE.md). */
export const REAL_SERIES: readonly RealSeries[] = [
  {
    file: "data/prices/gemini_ETHUSD_1h.csv",
    windows: {
      train: ["2016-06-01T00:00:00Z", "2019-06-01T00:00:00Z"],
      validation: ["2019-06-01T00:00:00Z", "2020-03-01T00:00:00Z"],
      test: ["2020-03-01T00:00:00Z", "2021-01-20T00:00:00Z"],
    },
  },
  {
    file: "data/prices/SOLUSDT_5m.csv",
    windows: {
      train: ["2025-04-04T00:00:00Z", "2025-05-22T00:00:00Z"],
      validation: ["2025-05-22T00:00:00Z", "2025-06-11T00:00:00Z"],
      test: ["2025-06-11T00:00:00Z", "2025-07-02T00:00:00Z"],
    },
  },
];

export const FAMILIES = ["gbm", "jump", "regime", "ou", "crash-steps", "crash-slide", "real"] as const;
export type Family = (typeof FAMILIES)[number];

/** Relative weights of the families in every split. */
export const FAMILY_WEIGHTS: Readonly<Record<Family, number>> = {
  gbm: 2,
  jump: 1.5,
  regime: 1.5,
  ou: 1,
  "crash-steps": 1,
  "crash-slide": 1,
  real: 2,
};

export const RANGES = {
  horizonDays: [2, 4] as const,
  initialPrice: [200, 4000] as const,
  volPerSqrtDay: [0.015, 0.08] as const,
  driftPerDay: [-0.02, 0.02] as const,
  /** Crash families: the price falls by this fraction within `crashDays`. */
  crashDepth: 0.9,
  crashDays: 3,
  /** Depth of the curve in quote at the start (sqrtK·price), log-uniform. */
  depthQuote: [1e8, 1e9] as const,
  /** Keeper budget as a share of the quote depth, log-uniform. */
  budgetShare: [3e-4, 2e-3] as const,
  arrivalRatePerSec: [0.2, 1.0] as const,
  /** Calibrated ridge (npm run calibrate): λ_i and edge trade off along it. */
  informedProb: [0.01, 0.1] as const,
  informedEdgeBps: [20, 80] as const,
  /** Uninformed median notional as a share of the quote depth (hand-made scenarios: 1.7e-5). */
  notionalMedianPerDepth: [5e-6, 3e-5] as const,
  holdingMeanSec: [3600, 12 * 3600] as const,
  depthElasticity: CALIBRATED_DEMAND.depthElasticityRange,
  /** Share of the depth elasticity put on the arrival rate (the rest on size): not identified. */
  rateShare: [0.2, 0.8] as const,
} as const;
