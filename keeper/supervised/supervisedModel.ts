/**
 * A trained network together with what it needs to be used: feature names (checked on load and by
 * callers), the input standardizer and, for the regressor, the target scale.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import { getTf } from "./tfBackend";
import { standardizeRows, type Standardizer } from "./standardizer";
import type { ModelKind } from "./modelArchitectures";

export interface TargetScale {
  readonly mean: number;
  readonly std: number;
}

export class SupervisedModel {
  constructor(
    readonly kind: ModelKind,
    readonly featureNames: readonly string[],
    readonly standardizer: Standardizer,
    readonly network: tfTypes.LayersModel,
    /** Regressor only: the network predicts (target − mean) / std. */
    readonly target: TargetScale | null = null,
  ) {
    if (standardizer.means.length !== featureNames.length) {
      throw new Error(`${kind}: standardizer has ${standardizer.means.length} features, names list ${featureNames.length}`);
    }
    if ((kind === "sizeRegressor") !== (target !== null)) throw new Error(`${kind}: target scale is required exactly for the regressor`);
  }

  get isClassifier(): boolean {
    return this.kind !== "sizeRegressor";
  }

  /** Success probability (classifiers) or predicted size (regressor), one per row. Synchronous. */
  predict(rows: readonly (readonly number[])[]): number[] {
    if (rows.length === 0) return [];
    const tf = getTf();
    const z = standardizeRows(this.standardizer, rows);
    const out = tf.tidy(() => (this.network.predict(tf.tensor2d(z)) as tfTypes.Tensor).dataSync());
    const t = this.target;
    return Array.from(out, (v) => (t ? v * t.std + t.mean : v));
  }

  dispose(): void {
    this.network.dispose();
  }
}
