/**
 * Time-ordered evaluation of one dataset: train on the earlier rows, score on the later ones, and
 * compare both classifiers with the majority-class baseline (and the regressor with the mean).
 */
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES } from "./adjustmentRecord";
import { timeOrderedSplit, type AdjustmentDataset } from "./adjustmentDataset";
import { accuracy, brierScore, majorityBaseline, rmse, type BaselineScores } from "./metrics";
import { trainClassifier, trainSizeRegressor, type TrainOptions } from "./trainModels";
import type { SupervisedModel } from "./supervisedModel";

export interface ClassifierScores {
  readonly accuracy: number;
  readonly brier: number;
}

export interface DatasetEvaluation {
  readonly source: string;
  readonly labelledRows: number;
  readonly unlabelledRows: number;
  readonly trainRows: number;
  readonly testRows: number;
  /** Time of the first test row (time split) or a description of the held-out split. */
  readonly splitTime: string;
  readonly testSuccessRate: number;
  readonly baseline: BaselineScores;
  readonly logistic: ClassifierScores;
  readonly mlp: ClassifierScores;
  readonly sizeRegressor: { readonly rmse: number; readonly meanBaselineRmse: number };
}

export interface EvaluationOutput {
  readonly evaluation: DatasetEvaluation;
  /** The models trained on the training split (caller disposes or saves them). */
  readonly models: { readonly logistic: SupervisedModel; readonly mlp: SupervisedModel; readonly sizeRegressor: SupervisedModel };
}

export async function evaluateDataset(
  ds: AdjustmentDataset,
  opts: { trainFraction?: number; seed?: number; train?: Partial<TrainOptions> } = {},
): Promise<EvaluationOutput> {
  const { train, test, splitTime } = timeOrderedSplit(ds, opts.trainFraction ?? 0.7);
  return evaluateSplit(ds.source, train, test, new Date(splitTime * 1000).toISOString(), opts, ds);
}

/**
 * Train on `train`, score on `test` (any held-out split: later times, or other scenarios).
 * `whole` (optional) supplies the labelled / unlabelled counts; else train + test are counted.
 */
export async function evaluateSplit(
  source: string,
  train: AdjustmentDataset,
  test: AdjustmentDataset,
  split: string,
  opts: { seed?: number; train?: Partial<TrainOptions> } = {},
  whole?: AdjustmentDataset,
): Promise<EvaluationOutput> {
  if (train.y.length === 0 || test.y.length === 0) throw new Error(`${source}: need labelled rows on both sides of the split (${train.y.length} train, ${test.y.length} test)`);
  const trainOpts = { ...(opts.train ?? {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) };
  const logistic = await trainClassifier("logistic", train.x, train.y, CLASSIFIER_FEATURES, trainOpts);
  const mlp = await trainClassifier("mlp", train.x, train.y, CLASSIFIER_FEATURES, trainOpts);
  const sizeRegressor = await trainSizeRegressor(train.xSize, train.size, REGRESSOR_FEATURES, trainOpts);

  const score = (m: SupervisedModel): ClassifierScores => {
    const p = m.predict(test.x);
    return { accuracy: accuracy(p, test.y), brier: brierScore(p, test.y) };
  };
  const meanSize = train.size.reduce((s, v) => s + v, 0) / train.size.length;
  const evaluation: DatasetEvaluation = {
    source,
    labelledRows: whole ? whole.y.length : train.y.length + test.y.length,
    unlabelledRows: whole ? whole.unlabelled : train.unlabelled + test.unlabelled,
    trainRows: train.y.length,
    testRows: test.y.length,
    splitTime: split,
    testSuccessRate: test.y.reduce((s, v) => s + v, 0) / test.y.length,
    baseline: majorityBaseline(train.y, test.y),
    logistic: score(logistic),
    mlp: score(mlp),
    sizeRegressor: {
      rmse: rmse(sizeRegressor.predict(test.xSize), test.size),
      meanBaselineRmse: rmse(test.size.map(() => meanSize), test.size),
    },
  };
  return { evaluation, models: { logistic, mlp, sizeRegressor } };
}
