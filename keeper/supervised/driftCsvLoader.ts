/**
 * Loads the two Drift v1 CSVs strictly (see strictCsv.ts): bad rows are reported with line numbers
 * and reasons and left out; repeated record_id rows are de-duplicated and counted. The snapshot
 * column is ignored when comparing repeats, since the same record was exported in several snapshots.
 */
import path from "node:path";
import { readStrictCsv, type StrictCsvResult } from "./strictCsv";
import { CURVE_COLUMNS, FUNDING_COLUMNS, curveRowSchema, fundingRowSchema, type CurveRow, type FundingRow } from "./driftRowSchemas";

export const DEFAULT_DRIFT_DIR = path.resolve(__dirname, "../../data/drift");

export function loadCurveHistory(file = path.join(DEFAULT_DRIFT_DIR, "curve_history.csv")): StrictCsvResult<CurveRow> {
  return readStrictCsv(file, {
    columns: CURVE_COLUMNS,
    rowSchema: curveRowSchema,
    keyOf: (r) => `record_id=${r.recordId}`,
    ignoreForDuplicates: [""],
  });
}

export function loadFundingHistory(file = path.join(DEFAULT_DRIFT_DIR, "funding_rate_history.csv")): StrictCsvResult<FundingRow> {
  return readStrictCsv(file, {
    columns: FUNDING_COLUMNS,
    rowSchema: fundingRowSchema,
    keyOf: (r) => `record_id=${r.recordId}`,
    ignoreForDuplicates: [""],
  });
}
