/** Drift CSVs on disk -> labelled dataset, with an account of everything left out and why. */
import path from "node:path";
import { DEFAULT_DRIFT_DIR, loadCurveHistory, loadFundingHistory } from "./driftCsvLoader";
import { driftAdjustmentRecords, type DriftAdjustmentOptions, type DriftAdjustmentRecord } from "./driftAdjustments";
import { datasetFromRecords, type AdjustmentDataset } from "./adjustmentDataset";
import type { RejectedRow } from "./strictCsv";

export interface DriftLoadReport {
  readonly curveRows: number;
  readonly curveRejected: readonly RejectedRow[];
  readonly curveDuplicates: number;
  readonly fundingRows: number;
  readonly fundingRejected: readonly RejectedRow[];
  readonly fundingDuplicates: number;
  readonly skipped: ReadonlyArray<{ readonly recordId: number; readonly reason: string }>;
}

export interface DriftDataset {
  readonly dataset: AdjustmentDataset;
  readonly records: readonly DriftAdjustmentRecord[];
  readonly report: DriftLoadReport;
}

export function loadDriftDataset(dir = DEFAULT_DRIFT_DIR, options: Partial<DriftAdjustmentOptions> = {}): DriftDataset {
  const curve = loadCurveHistory(path.join(dir, "curve_history.csv"));
  const funding = loadFundingHistory(path.join(dir, "funding_rate_history.csv"));
  const { records, skipped } = driftAdjustmentRecords(
    curve.rows.map((r) => r.value),
    funding.rows.map((r) => r.value),
    options,
  );
  return {
    dataset: datasetFromRecords("drift-v1", records),
    records,
    report: {
      curveRows: curve.rows.length,
      curveRejected: curve.rejected,
      curveDuplicates: curve.duplicates,
      fundingRows: funding.rows.length,
      fundingRejected: funding.rejected,
      fundingDuplicates: funding.duplicates,
      skipped,
    },
  };
}
