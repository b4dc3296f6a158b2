/**
 * One row per labelled adjustment: classifier features, success label, size target and time.
 * `datasetFromRecords` is the entry point for every source (Drift, simulator, keeper journal).
 */
import {
  CLASSIFIER_FEATURES,
  REGRESSOR_FEATURES,
  adjustmentRecordSchema,
  featureVector,
  successLabel,
  type AdjustmentRecord,
} from "./adjustmentRecord";

export interface AdjustmentDataset {
  readonly source: string;
  /** Classifier features (CLASSIFIER_FEATURES order). */
  readonly x: number[][];
  /** Regressor features (REGRESSOR_FEATURES order). */
  readonly xSize: number[][];
  readonly y: number[];
  readonly size: number[];
  readonly time: number[];
  /** Records left out because their fees after the change were not observed. */
  readonly unlabelled: number;
}

/** Rows sorted by time; records without an observed label are counted and left out. */
export function datasetFromRecords(source: string, records: readonly AdjustmentRecord[]): AdjustmentDataset {
  const sorted = [...records].sort((a, b) => a.time - b.time);
  const ds = { source, x: [] as number[][], xSize: [] as number[][], y: [] as number[], size: [] as number[], time: [] as number[], unlabelled: 0 };
  for (const r of sorted) {
    const label = successLabel(r);
    if (label === null) {
      ds.unlabelled++;
      continue;
    }
    ds.x.push(featureVector(r, CLASSIFIER_FEATURES));
    ds.xSize.push(featureVector(r, REGRESSOR_FEATURES));
    ds.y.push(label);
    ds.size.push(r.size);
    ds.time.push(r.time);
  }
  return ds;
}

/**
 * Records from JSON (simulator output, keeper journal): each is validated; a bad one is an error
 * naming its index and the field, since a silently dropped sim record would bias the evaluation.
 */
export function parseAdjustmentRecords(json: unknown, what: string): AdjustmentRecord[] {
  if (!Array.isArray(json)) throw new Error(`${what}: expected an array of adjustment records`);
  return json.map((item, i) => {
    const parsed = adjustmentRecordSchema.safeParse(item);
    if (!parsed.success) {
      const why = parsed.error.issues.map((iss) => `${iss.path.join(".") || "(record)"}: ${iss.message}`).join("; ");
      throw new Error(`${what}: record ${i}: ${why}`);
    }
    return parsed.data;
  });
}

export interface TimeSplit {
  readonly train: AdjustmentDataset;
  readonly test: AdjustmentDataset;
  /** Time of the first test row. */
  readonly splitTime: number;
}

/** Train on the earliest `trainFraction` of rows, test on the rest (no shuffling across time). */
export function timeOrderedSplit(ds: AdjustmentDataset, trainFraction = 0.7): TimeSplit {
  if (!(trainFraction > 0 && trainFraction < 1)) throw new Error(`trainFraction must be in (0, 1), got ${trainFraction}`);
  const n = ds.y.length;
  const cut = Math.round(n * trainFraction);
  if (cut < 1 || cut >= n) throw new Error(`${ds.source}: ${n} labelled rows are too few to split at ${trainFraction}`);
  const part = (a: number, b: number): AdjustmentDataset => ({
    source: ds.source,
    x: ds.x.slice(a, b),
    xSize: ds.xSize.slice(a, b),
    y: ds.y.slice(a, b),
    size: ds.size.slice(a, b),
    time: ds.time.slice(a, b),
    unlabelled: 0,
  });
  return { train: part(0, cut), test: part(cut, n), splitTime: ds.time[cut] };
}
