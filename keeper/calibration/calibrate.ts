/**
 * `npm run calibrate`: the demand fit on Drift's curve history and the informed-flow calibration on
 * its funding history, as one report (printed by scripts/calibrate.ts, stored in
 * keeper/calibration/calibration.json so the figures behind the simulator's defaults are on file).
 */
import path from "node:path";
import { loadCurveHistory, loadFundingHistory } from "./driftCsv";
import { demandIntervals, depthElasticity, perMarketFits, pooledElasticityFit, type DepthElasticity, type FitTable, type RejectedInterval } from "./demandFit";
import { compareGaps, driftAbsGapsBps, GAP_BASE, GAP_QUANTILES, quantileSorted, simulatedAbsGapsBps, withInformed, type GapComparison, type InformedSetting } from "./gapCalibration";

export interface CalibrationReport {
  readonly demand: {
    readonly records: number;
    readonly recordsRejected: { line: number; reason: string }[];
    readonly intervalsUsed: number;
    readonly intervalsRejected: RejectedInterval[];
    readonly perMarket: FitTable[];
    readonly pooled: FitTable;
    readonly elasticity: DepthElasticity;
  };
  readonly gap: {
    readonly driftRows: number;
    readonly driftRejected: number;
    readonly quantiles: readonly number[];
    readonly drift: number[];
    readonly seeds: number[];
    readonly current: GapComparison;
    readonly grid: GapComparison[];
    readonly best: GapComparison;
  };
}

export const GAP_GRID = {
  informedProb: [0.01, 0.02, 0.05, 0.1, 0.2],
  edgeBps: [0, 10, 20, 40, 80],
} as const;

/** The train scenarios' informed flow before this calibration. */
export const PRE_CALIBRATION_INFORMED: InformedSetting = { informedProb: 0.2, edgeBps: 2 };

export function runCalibration(root: string, seeds: readonly number[] = [1, 2, 3]): CalibrationReport {
  const curve = loadCurveHistory(path.join(root, "data/drift/curve_history.csv"));
  const iv = demandIntervals(curve.records);
  const pooled = pooledElasticityFit(iv.used);
  const funding = loadFundingHistory(path.join(root, "data/drift/funding_rate_history.csv"));
  const real = driftAbsGapsBps(funding.rows);
  const sorted = [...real].sort((a, b) => a - b);
  const run = (s: InformedSetting) => compareGaps(real, simulatedAbsGapsBps(withInformed(GAP_BASE, s), seeds, root), s);
  const grid: GapComparison[] = [];
  for (const informedProb of GAP_GRID.informedProb) for (const edgeBps of GAP_GRID.edgeBps) grid.push(run({ informedProb, edgeBps }));
  const best = grid.reduce((a, b) => (b.ks < a.ks ? b : a));
  return {
    demand: {
      records: curve.records.length,
      recordsRejected: curve.rejected,
      intervalsUsed: iv.used.length,
      intervalsRejected: iv.rejected,
      perMarket: perMarketFits(iv.used),
      pooled,
      elasticity: depthElasticity(pooled),
    },
    gap: {
      driftRows: funding.rows.length,
      driftRejected: funding.rejected.length,
      quantiles: GAP_QUANTILES,
      drift: GAP_QUANTILES.map((q) => quantileSorted(sorted, q)),
      seeds: [...seeds],
      current: run(PRE_CALIBRATION_INFORMED),
      grid,
      best,
    },
  };
}
