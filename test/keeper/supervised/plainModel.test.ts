import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { trainClassifier, trainSizeRegressor } from "../../../keeper/supervised/trainModels";
import { saveModel } from "../../../keeper/supervised/modelStore";
import { loadPlainModel, PlainModel } from "../../../keeper/supervised/plainModel";
import { createRng } from "../../../keeper/supervised/seededRng";
import { initTfQuietly, makeTempDir, separableProblem } from "./supervisedTestUtils";

const FEATURES = ["a", "b", "c", "d"];

describe("PlainModel (plain-TS forward pass of the saved networks)", function () {
  this.timeout(60_000);
  let dir: string;

  before(async function () {
    await initTfQuietly();
    dir = makeTempDir("plain");
  });

  describe("loaded from files written by modelStore", function () {
    for (const kind of ["logistic", "mlp"] as const) {
      it(`predicts what TF.js predicts for a trained ${kind} classifier`, async function () {
        const { x, y } = separableProblem(200, FEATURES.length, 3);
        const tfModel = await trainClassifier(kind, x, y, FEATURES, { epochs: 5, batchSize: 50, seed: 2 });
        const { manifest } = await saveModel(tfModel, dir, `plain-${kind}`);
        const plain = loadPlainModel(manifest, { kind, featureNames: FEATURES });
        const probe = separableProblem(64, FEATURES.length, 99).x;
        const a = tfModel.predict(probe);
        const b = plain.predict(probe);
        expect(plain.kind).to.equal(kind);
        expect(plain.featureNames).to.deep.equal(FEATURES);
        b.forEach((v, i) => expect(v).to.be.closeTo(a[i], 1e-5));
        expect(new Set(a.map((v) => v >= 0.5)).size).to.equal(2); // both classes occur: not a trivial check
        tfModel.dispose();
      });
    }

    it("predicts what TF.js predicts for the size regressor, in target units", async function () {
      const rng = createRng(5);
      const x = Array.from({ length: 150 }, () => FEATURES.map(() => rng.normal()));
      const size = x.map((r) => 0.01 * r[0] - 0.02 * r[1] + 0.005);
      const tfModel = await trainSizeRegressor(x, size, FEATURES, { epochs: 5, batchSize: 50, seed: 4 });
      const { manifest } = await saveModel(tfModel, dir, "plain-size");
      const plain = loadPlainModel(manifest, { kind: "sizeRegressor" });
      const a = tfModel.predict(x.slice(0, 40));
      plain.predict(x.slice(0, 40)).forEach((v, i) => expect(v).to.be.closeTo(a[i], 1e-6));
      tfModel.dispose();
    });
  });

  describe("refusals", function () {
    it("refuses a tampered weights file (same checks as loadModel)", async function () {
      const { x, y } = separableProblem(60, FEATURES.length, 8);
      const m = await trainClassifier("logistic", x, y, FEATURES, { epochs: 1, seed: 1 });
      const { manifest, weights } = await saveModel(m, dir, "plain-tamper");
      m.dispose();
      const buf = fs.readFileSync(weights);
      buf[0] ^= 0xff;
      fs.writeFileSync(weights, buf);
      expect(() => loadPlainModel(manifest)).to.throw(`model ${manifest}: weights checksum mismatch`);
    });

    it("refuses the wrong kind or feature list", async function () {
      const { x, y } = separableProblem(60, FEATURES.length, 9);
      const m = await trainClassifier("logistic", x, y, FEATURES, { epochs: 1, seed: 1 });
      const { manifest } = await saveModel(m, dir, "plain-kind");
      m.dispose();
      expect(() => loadPlainModel(manifest, { kind: "sizeRegressor" })).to.throw(/kind is logistic, expected sizeRegressor/);
      expect(() => loadPlainModel(manifest, { featureNames: ["a"] })).to.throw(/do not match the expected \[a\]/);
      expect(() => loadPlainModel(path.join(dir, "missing.manifest.json"))).to.throw(/cannot read manifest/);
    });

    it("refuses layer shapes that do not chain and unknown activations", function () {
      const std = { means: [0, 0], stds: [1, 1] };
      const layer = (inputs: number, units: number, activation = "relu") => ({ kernel: new Float32Array(inputs * units), bias: new Float32Array(units), inputs, units, activation });
      expect(() => new PlainModel("mlp", ["a", "b"], std, [layer(2, 3), layer(4, 1, "sigmoid")], null)).to.throw(/layer 1 takes 4 inputs, previous layer has 3 units/);
      expect(() => new PlainModel("mlp", ["a", "b"], std, [layer(2, 1, "softsign")], null)).to.throw(/activation 'softsign' is not supported/);
    });
  });
});
