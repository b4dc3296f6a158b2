import fs from "node:fs";
import { expect } from "chai";
import { trainClassifier, trainSizeRegressor } from "../../../keeper/supervised/trainModels";
import { loadModel, saveModel } from "../../../keeper/supervised/modelStore";
import { accuracy, brierScore, majorityBaseline } from "../../../keeper/supervised/metrics";
import { activeBackend } from "../../../keeper/supervised/tfBackend";
import { createRng } from "../../../keeper/supervised/seededRng";
import type { SupervisedModel } from "../../../keeper/supervised/supervisedModel";
import { initTfQuietly, makeTempDir, separableProblem } from "./supervisedTestUtils";

const NAMES = ["a", "b", "c", "d"];

describe("supervised / models", function () {
  let x: number[][];
  let y: number[];
  let xTest: number[][];
  let yTest: number[];
  let logistic: SupervisedModel;
  let mlp: SupervisedModel;

  before(async function () {
    await initTfQuietly();
    ({ x, y } = separableProblem(300, NAMES.length, 11));
    ({ x: xTest, y: yTest } = separableProblem(200, NAMES.length, 12));
    // Unscaled columns (×1000 on one) check that standardisation does its job.
    x = x.map((r) => [r[0] * 1000, ...r.slice(1)]);
    xTest = xTest.map((r) => [r[0] * 1000, ...r.slice(1)]);
    logistic = await trainClassifier("logistic", x, y, NAMES, { epochs: 60 });
    mlp = await trainClassifier("mlp", x, y, NAMES, { epochs: 40 });
  });

  after(function () {
    logistic?.dispose();
    mlp?.dispose();
  });

  it("runs on a named TF.js backend", function () {
    expect(["tensorflow", "wasm", "cpu"]).to.include(activeBackend());
  });

  describe("on a separable problem", function () {
    it("logistic regression classifies held-out points with accuracy > 0.95 and low Brier", function () {
      const p = logistic.predict(xTest);
      expect(accuracy(p, yTest)).to.be.greaterThan(0.95);
      expect(brierScore(p, yTest)).to.be.lessThan(0.06);
    });

    it("the MLP classifies held-out points with accuracy > 0.95", function () {
      expect(accuracy(mlp.predict(xTest), yTest)).to.be.greaterThan(0.95);
    });

    it("stores feature means and stds from the training rows", function () {
      const mean0 = x.reduce((s, r) => s + r[0], 0) / x.length;
      expect(logistic.standardizer.means[0]).to.be.closeTo(mean0, 1e-6 * Math.abs(mean0) + 1e-9);
      expect(logistic.standardizer.stds[0]).to.be.greaterThan(500);
    });

    it("beats the majority-class baseline, which scores about one half", function () {
      const b = majorityBaseline(y, yTest);
      expect(b.accuracy).to.be.within(0.35, 0.65);
      expect(accuracy(logistic.predict(xTest), yTest)).to.be.greaterThan(b.accuracy + 0.3);
    });
  });

  describe("the size regressor", function () {
    it("recovers a linear size rule better than predicting the mean", async function () {
      const rng = createRng(5);
      const rows = Array.from({ length: 300 }, () => [rng.normal(), rng.normal(), rng.normal()]);
      const size = rows.map((r) => 0.01 * r[0] - 0.005 * r[1] + 0.02);
      const reg = await trainSizeRegressor(rows.slice(0, 200), size.slice(0, 200), ["u", "v", "w"], { epochs: 60 });
      try {
        const pred = reg.predict(rows.slice(200));
        const truth = size.slice(200);
        const mse = pred.reduce((s, v, i) => s + (v - truth[i]) ** 2, 0) / truth.length;
        const mean = truth.reduce((s, v) => s + v, 0) / truth.length;
        const variance = truth.reduce((s, v) => s + (v - mean) ** 2, 0) / truth.length;
        expect(mse).to.be.lessThan(0.1 * variance);
        expect(reg.target?.mean).to.be.closeTo(0.02, 0.003);
      } finally {
        reg.dispose();
      }
    });
  });

  describe("saving and loading", function () {
    let dir: string;
    let manifest: string;
    let weights: string;

    beforeEach(async function () {
      dir = makeTempDir("model");
      ({ manifest, weights } = await saveModel(mlp, dir, "mlp", { note: "test" }));
    });

    it("round-trips to identical predictions", async function () {
      const loaded = await loadModel(manifest, { kind: "mlp", featureNames: NAMES });
      try {
        expect(loaded.predict(xTest)).to.deep.equal(mlp.predict(xTest));
        expect(loaded.standardizer).to.deep.equal(mlp.standardizer);
      } finally {
        loaded.dispose();
      }
    });

    it("round-trips the regressor's target scale", async function () {
      const reg = await trainSizeRegressor(x, x.map((r) => r[1] * 0.01), NAMES, { epochs: 2 });
      const p = await saveModel(reg, dir, "reg");
      const loaded = await loadModel(p.manifest, { kind: "sizeRegressor" });
      try {
        expect(loaded.target).to.deep.equal(reg.target);
        expect(loaded.predict(xTest.slice(0, 20))).to.deep.equal(reg.predict(xTest.slice(0, 20)));
      } finally {
        loaded.dispose();
        reg.dispose();
      }
    });

    it("rejects a truncated weights file", async function () {
      const buf = fs.readFileSync(weights);
      fs.writeFileSync(weights, buf.subarray(0, buf.length - 8));
      await expectLoadError(manifest, /weights file has \d+ bytes, manifest says \d+ \(truncated\?\)/);
    });

    it("rejects flipped bytes in the weights", async function () {
      const buf = fs.readFileSync(weights);
      buf[10] ^= 0xff;
      fs.writeFileSync(weights, buf);
      await expectLoadError(manifest, /weights checksum mismatch/);
    });

    it("rejects a truncated manifest", async function () {
      const text = fs.readFileSync(manifest, "utf8");
      fs.writeFileSync(manifest, text.slice(0, text.length / 2));
      await expectLoadError(manifest, /manifest is not valid JSON \(corrupt or truncated\)/);
    });

    it("rejects an edited manifest", async function () {
      const m = JSON.parse(fs.readFileSync(manifest, "utf8"));
      m.standardizer.means[0] += 1;
      fs.writeFileSync(manifest, JSON.stringify(m));
      await expectLoadError(manifest, /manifest checksum mismatch/);
    });

    it("rejects another schema version", async function () {
      const m = JSON.parse(fs.readFileSync(manifest, "utf8"));
      m.schemaVersion = 99;
      fs.writeFileSync(manifest, JSON.stringify(m));
      await expectLoadError(manifest, /schema version 99 is not supported \(expected 1\)/);
    });

    it("rejects a model of the wrong kind or features", async function () {
      await expectLoadError(manifest, /kind is mlp, expected logistic/, { kind: "logistic" });
      await expectLoadError(manifest, /features \[a,b,c,d\] do not match the expected \[a,b,c\]/, { featureNames: ["a", "b", "c"] });
    });

    it("rejects a missing weights file", async function () {
      fs.rmSync(weights);
      await expectLoadError(manifest, /cannot read weights .*mlp\.weights\.bin/);
    });

    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});

async function expectLoadError(file: string, re: RegExp, expect_: Parameters<typeof loadModel>[1] = {}): Promise<void> {
  let err: Error | null = null;
  try {
    (await loadModel(file, expect_)).dispose();
  } catch (e) {
    err = e as Error;
  }
  expect(err, "loadModel should have failed").to.be.instanceOf(Error);
  expect(err!.message).to.include(`model ${file}:`);
  expect(err!.message).to.match(re);
}
