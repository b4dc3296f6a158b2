/**
 * The one record form every source of adjustments is reduced to (Drift history, simulator runs,
 * the keeper's journal), and how a record becomes a feature vector and a label.
 *
 * Units are the natural units of policyTypes.ts: quote amounts in quote (USD), times in seconds.
 */
import { z } from "zod";

export type AdjustmentKind = "repeg" | "k";

export interface AdjustmentRecord {
  /** Unix (or episode) seconds of the change; datasets are split in this order. */
  readonly time: number;
  readonly kind: AdjustmentKind;
  /** Signed relative change: (P'−P)/P for a repeg, sqrtK'/sqrtK − 1 for a k change. */
  readonly size: number;
  /** (longOI − shortOI) / (longOI + shortOI), in [−1, 1]; 0 with no open interest. */
  readonly imbalance: number;
  /** (longOI + shortOI) / sqrtK: open interest relative to depth. */
  readonly oi: number;
  /** (markTwap − oracleTwap) / oracleTwap just before the change. */
  readonly gap: number;
  /** Adjustment budget (fee pool) before the change, quote. */
  readonly budget: number;
  /** Cost of the change, quote; negative = the protocol earned. */
  readonly cost: number;
  /** Oracle volatility over the prior window, per √day. */
  readonly vol: number;
  /** Seconds since the previous change in this market; Infinity (or null in JSON) when none. */
  readonly sinceLast: number;
  /** Fee revenue over the label window after the change, quote; null when not observed. */
  readonly feesAfterWindow: number | null;
}

const finite = z.number().refine(Number.isFinite, { message: "must be a finite number" });

/** Validates records arriving as JSON from the simulator or the journal. */
export const adjustmentRecordSchema = z
  .object({
    time: finite,
    kind: z.enum(["repeg", "k"]),
    size: finite,
    imbalance: finite.refine((v) => Math.abs(v) <= 1 + 1e-9, { message: "must be in [−1, 1]" }),
    oi: finite.refine((v) => v >= 0, { message: "must be >= 0" }),
    gap: finite,
    budget: finite,
    cost: finite,
    vol: finite.refine((v) => v >= 0, { message: "must be >= 0" }),
    sinceLast: z.union([z.number().refine((v) => v >= 0, { message: "must be >= 0" }), z.null()]),
    feesAfterWindow: z.union([finite, z.null()]),
  })
  .strict()
  .transform((r): AdjustmentRecord => ({ ...r, sinceLast: r.sinceLast ?? Infinity }));

/** Success: fees earned over the window beat what the change cost. Null when fees are unobserved. */
export function successLabel(r: Pick<AdjustmentRecord, "feesAfterWindow" | "cost">): 0 | 1 | null {
  if (r.feesAfterWindow === null) return null;
  return r.feesAfterWindow > r.cost ? 1 : 0;
}

/** Features the classifiers see, in order. */
export const CLASSIFIER_FEATURES = [
  "imbalance",
  "oi",
  "gap",
  "logBudget",
  "costOverBudget",
  "vol",
  "logHoursSinceLast",
  "isRepeg",
  "size",
] as const;

/** Features the size regressor sees: everything known before choosing the size (no size, no cost). */
export const REGRESSOR_FEATURES = ["imbalance", "oi", "gap", "logBudget", "vol", "logHoursSinceLast", "isRepeg"] as const;

export type FeatureName = (typeof CLASSIFIER_FEATURES)[number];

/** Beyond a month, "since last" carries no more information; capping keeps Infinity out. */
const SINCE_LAST_CAP_S = 30 * 86_400;
const COST_RATIO_CAP = 5;

export type FeatureInput = Omit<AdjustmentRecord, "time" | "feesAfterWindow">;

export function featureMap(r: FeatureInput): Record<FeatureName, number> {
  const ratio = r.cost / Math.max(r.budget, 1e-9);
  return {
    imbalance: r.imbalance,
    oi: r.oi,
    gap: r.gap,
    // Budgets span orders of magnitude across markets; a log keeps one market from dominating.
    logBudget: Math.log10(1 + Math.max(r.budget, 0)),
    costOverBudget: Math.max(-COST_RATIO_CAP, Math.min(COST_RATIO_CAP, ratio)),
    vol: r.vol,
    logHoursSinceLast: Math.log1p(Math.min(r.sinceLast, SINCE_LAST_CAP_S) / 3600),
    isRepeg: r.kind === "repeg" ? 1 : 0,
    size: r.size,
  };
}

export function featureVector(r: FeatureInput, names: readonly FeatureName[]): number[] {
  const m = featureMap(r);
  return names.map((n) => m[n]);
}
