/** Fits the classifiers (success) and the size regressor on standardised features. */
import { getTf } from "./tfBackend";
import { buildModel, type ModelKind } from "./modelArchitectures";
import { fitStandardizer, standardizeRows } from "./standardizer";
import { SupervisedModel } from "./supervisedModel";
import { createRng, shuffledIndices } from "./seededRng";

export interface TrainOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  readonly l2: number;
  readonly seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: Record<ModelKind, TrainOptions> = {
  logistic: { epochs: 150, learningRate: 0.05, batchSize: 64, l2: 1e-3, seed: 1 },
  mlp: { epochs: 150, learningRate: 0.01, batchSize: 32, l2: 1e-3, seed: 1 },
  sizeRegressor: { epochs: 150, learningRate: 0.01, batchSize: 32, l2: 1e-3, seed: 1 },
};

export async function trainClassifier(
  kind: "logistic" | "mlp",
  x: readonly (readonly number[])[],
  y: readonly number[],
  featureNames: readonly string[],
  options: Partial<TrainOptions> = {},
): Promise<SupervisedModel> {
  if (y.some((v) => v !== 0 && v !== 1)) throw new Error(`${kind}: labels must be 0 or 1`);
  return fit(kind, x, y, featureNames, { ...DEFAULT_TRAIN_OPTIONS[kind], ...options }, false);
}

export async function trainSizeRegressor(
  x: readonly (readonly number[])[],
  size: readonly number[],
  featureNames: readonly string[],
  options: Partial<TrainOptions> = {},
): Promise<SupervisedModel> {
  return fit("sizeRegressor", x, size, featureNames, { ...DEFAULT_TRAIN_OPTIONS.sizeRegressor, ...options }, true);
}

async function fit(
  kind: ModelKind,
  x: readonly (readonly number[])[],
  target: readonly number[],
  featureNames: readonly string[],
  o: TrainOptions,
  regress: boolean,
): Promise<SupervisedModel> {
  if (x.length === 0 || x.length !== target.length) throw new Error(`${kind}: need equal, non-zero numbers of rows and targets (${x.length} vs ${target.length})`);
  if (x.some((r) => r.length !== featureNames.length)) throw new Error(`${kind}: every row needs ${featureNames.length} features`);
  if ([...x.flat(), ...target].some((v) => !Number.isFinite(v))) throw new Error(`${kind}: features and targets must be finite`);
  const tf = getTf();
  const standardizer = fitStandardizer(x);
  const scale = regress ? targetScale(target) : null;
  // TF.js would shuffle with Math.random; shuffle once with the seeded RNG instead.
  const order = shuffledIndices(x.length, createRng(o.seed));
  const z = standardizeRows(standardizer, order.map((i) => x[i]));
  const t = order.map((i) => (scale ? (target[i] - scale.mean) / scale.std : target[i]));

  const network = buildModel(kind, featureNames.length, { seed: o.seed, l2: o.l2 });
  network.compile({
    optimizer: tf.train.adam(o.learningRate),
    loss: regress ? "meanSquaredError" : "binaryCrossentropy",
  });
  const xs = tf.tensor2d(z);
  const ys = tf.tensor2d(t, [t.length, 1]);
  try {
    await network.fit(xs, ys, { epochs: o.epochs, batchSize: Math.min(o.batchSize, z.length), shuffle: false, verbose: 0 });
  } finally {
    xs.dispose();
    ys.dispose();
  }
  return new SupervisedModel(kind, featureNames, standardizer, network, scale);
}

function targetScale(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length);
  return { mean, std: sd > 1e-12 ? sd : 1 };
}
