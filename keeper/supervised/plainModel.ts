/**
 * The saved networks evaluated in plain TypeScript (float64 over the stored float32 weights):
 * a stack of Dense layers is a few dozen multiply-adds, so the ensemble needs no TF.js at decision
 * time. That keeps the keeper's policy load synchronous and lets evaluation worker threads run the
 * ensemble without initialising a wasm backend in each. Tests check it against TF.js predictions.
 */
import { readVerifiedModelFiles, type LoadExpectations } from "./modelStore";
import type { ModelKind } from "./modelArchitectures";
import { standardizeRows, type Standardizer } from "./standardizer";
import type { TargetScale } from "./supervisedModel";

/** What the ensemble needs of a model; SupervisedModel (TF.js) and PlainModel both provide it. */
export interface ScoringModel {
  readonly kind: ModelKind;
  readonly featureNames: readonly string[];
  predict(rows: readonly (readonly number[])[]): number[];
}

type Activation = (v: number) => number;

const ACTIVATIONS: Record<string, Activation> = {
  linear: (v) => v,
  relu: (v) => (v > 0 ? v : 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
};

export interface DenseLayer {
  /** kernel[i][j]: input i → unit j (TF.js layout, row-major [in, out]). */
  readonly kernel: Float32Array;
  readonly bias: Float32Array;
  readonly inputs: number;
  readonly units: number;
  readonly activation: string;
}

export class PlainModel implements ScoringModel {
  private readonly act: Activation[];

  constructor(
    readonly kind: ModelKind,
    readonly featureNames: readonly string[],
    readonly standardizer: Standardizer,
    readonly layers: readonly DenseLayer[],
    readonly target: TargetScale | null,
  ) {
    if (layers.length === 0) throw new Error(`${kind}: a network needs at least one layer`);
    if (layers[0].inputs !== featureNames.length) throw new Error(`${kind}: first layer takes ${layers[0].inputs} inputs, ${featureNames.length} features listed`);
    layers.forEach((l, i) => {
      if (i > 0 && l.inputs !== layers[i - 1].units) throw new Error(`${kind}: layer ${i} takes ${l.inputs} inputs, previous layer has ${layers[i - 1].units} units`);
    });
    if (layers[layers.length - 1].units !== 1) throw new Error(`${kind}: the last layer must have one unit`);
    this.act = layers.map((l) => {
      const f = ACTIVATIONS[l.activation];
      if (!f) throw new Error(`${kind}: activation '${l.activation}' is not supported (${Object.keys(ACTIVATIONS).join(", ")})`);
      return f;
    });
  }

  predict(rows: readonly (readonly number[])[]): number[] {
    const t = this.target;
    return standardizeRows(this.standardizer, rows).map((z) => {
      let v: number[] = z;
      this.layers.forEach((l, li) => {
        const out = new Array<number>(l.units);
        for (let j = 0; j < l.units; j++) {
          let s = l.bias[j];
          for (let i = 0; i < l.inputs; i++) s += v[i] * l.kernel[i * l.units + j];
          out[j] = this.act[li](s);
        }
        v = out;
      });
      return t ? v[0] * t.std + t.mean : v[0];
    });
  }
}

/** Loads a modelStore manifest + weights (all checks of loadModel) as a PlainModel. */
export function loadPlainModel(manifestPath: string, expect: LoadExpectations = {}): PlainModel {
  const fail = (why: string): never => {
    throw new Error(`model ${manifestPath}: ${why}`);
  };
  const { manifest: m, weights } = readVerifiedModelFiles(manifestPath, expect);
  const topo = m.modelTopology as { class_name?: unknown; config?: { layers?: unknown } };
  if (topo.class_name !== "Sequential" || !Array.isArray(topo.config?.layers)) fail("plain inference needs a Sequential model");
  const layerConfigs = topo.config!.layers as Array<{ class_name?: unknown; config?: { units?: unknown; activation?: unknown; use_bias?: unknown } }>;
  // Float32 view on an aligned copy (a Buffer may sit at an odd offset inside its pool).
  const all = new Float32Array(new Uint8Array(weights).buffer);
  let offset = 0;
  let spec = 0;
  const take = (shape: readonly number[]): Float32Array => {
    const n = shape.reduce((a, b) => a * b, 1);
    const out = all.subarray(offset, offset + n);
    offset += n;
    return out;
  };
  const layers: DenseLayer[] = layerConfigs.map((lc, i) => {
    if (lc.class_name !== "Dense") fail(`layer ${i} is ${String(lc.class_name)}; plain inference supports Dense only`);
    const units = lc.config?.units;
    if (!(typeof units === "number" && Number.isInteger(units) && units > 0)) fail(`layer ${i}: bad units ${String(units)}`);
    if (lc.config?.use_bias !== true) fail(`layer ${i}: layers without bias are not supported`);
    const kSpec = m.weightSpecs[spec++];
    const bSpec = m.weightSpecs[spec++];
    if (!kSpec || !bSpec || kSpec.shape.length !== 2 || kSpec.shape[1] !== units || bSpec.shape.length !== 1 || bSpec.shape[0] !== units) {
      fail(`layer ${i}: weight specs do not match a Dense layer of ${String(units)} units`);
    }
    return { kernel: take(kSpec.shape), bias: take(bSpec.shape), inputs: kSpec.shape[0], units: units as number, activation: String(lc.config?.activation) };
  });
  if (spec !== m.weightSpecs.length) fail(`${m.weightSpecs.length - spec} weight specs are not used by any layer`);
  return new PlainModel(m.kind, m.featureNames, m.standardizer, layers, m.target);
}
