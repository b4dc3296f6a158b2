/**
 * The three networks: logistic regression (one sigmoid unit), a small MLP classifier, and an MLP
 * regressor for the size of the change. Seeded initialisers make training reproducible.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { getTf } from "./tfBackend";

export type ModelKind = "logistic" | "mlp" | "sizeRegressor";
export const MODEL_KINDS: readonly ModelKind[] = ["logistic", "mlp", "sizeRegressor"];

export interface ArchitectureOptions {
  readonly seed: number;
  /** L2 penalty on kernels; the Drift set is a few hundred rows, so some shrinkage helps. */
  readonly l2: number;
}

export function buildModel(kind: ModelKind, nFeatures: number, o: ArchitectureOptions): tfTypes.Sequential {
  const tf = getTf();
  let seed = o.seed;
  const dense = (units: number, activation: "relu" | "sigmoid" | "linear", inputDim?: number) =>
    tf.layers.dense({
      units,
      activation,
      ...(inputDim !== undefined ? { inputShape: [inputDim] } : {}),
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }),
      biasInitializer: "zeros",
      kernelRegularizer: o.l2 > 0 ? tf.regularizers.l2({ l2: o.l2 }) : undefined,
    });
  const model = tf.sequential({ name: kind });
  switch (kind) {
    case "logistic":
      model.add(dense(1, "sigmoid", nFeatures));
      break;
    case "mlp":
      model.add(dense(16, "relu", nFeatures));
      model.add(dense(8, "relu"));
      model.add(dense(1, "sigmoid"));
      break;
    case "sizeRegressor":
      model.add(dense(16, "relu", nFeatures));
      model.add(dense(1, "linear"));
      break;
  }
  return model;
}
