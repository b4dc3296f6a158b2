/** Held-out metrics for probabilistic classifiers and the regressor, with their naive baselines. */

export function accuracy(p: readonly number[], y: readonly number[], threshold = 0.5): number {
  check(p, y);
  return p.reduce((s, v, i) => s + ((v >= threshold ? 1 : 0) === y[i] ? 1 : 0), 0) / y.length;
}

/** Mean squared error of the probability: 0 is perfect, 0.25 is a coin flip at 0.5. */
export function brierScore(p: readonly number[], y: readonly number[]): number {
  check(p, y);
  return p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / y.length;
}

export interface BaselineScores {
  /** Class predicted for every test row: the training majority. */
  readonly majorityClass: 0 | 1;
  readonly accuracy: number;
  /** Brier of always predicting the training success rate. */
  readonly brier: number;
  readonly trainSuccessRate: number;
}

export function majorityBaseline(yTrain: readonly number[], yTest: readonly number[]): BaselineScores {
  if (yTrain.length === 0) throw new Error("baseline needs training labels");
  const rate = yTrain.reduce((s, v) => s + v, 0) / yTrain.length;
  const majorityClass = rate >= 0.5 ? 1 : 0;
  return {
    majorityClass,
    accuracy: accuracy(yTest.map(() => majorityClass), yTest),
    brier: brierScore(yTest.map(() => rate), yTest),
    trainSuccessRate: rate,
  };
}

export function rmse(pred: readonly number[], target: readonly number[]): number {
  check(pred, target);
  return Math.sqrt(pred.reduce((s, v, i) => s + (v - target[i]) ** 2, 0) / target.length);
}

function check(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.length === 0) throw new Error(`metric needs equal, non-zero lengths (${a.length} vs ${b.length})`);
}
