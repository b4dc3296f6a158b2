import { expect } from "chai";
import type { Action, Decision, MarketObservation, Policy } from "../../../keeper/core/policyTypes";
import { SupervisedEnsemblePolicy } from "../../../keeper/supervised/supervisedEnsemblePolicy";
import { fullRepegSize, observationFeatures } from "../../../keeper/supervised/observationFeatures";
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES } from "../../../keeper/supervised/adjustmentRecord";
import { buildModel } from "../../../keeper/supervised/modelArchitectures";
import { SupervisedModel } from "../../../keeper/supervised/supervisedModel";
import { getTf } from "../../../keeper/supervised/tfBackend";
import { curveObservation, initTfQuietly } from "./supervisedTestUtils";

const OBS: MarketObservation = curveObservation({ time: 1000, budget: 5000, reservedShare: 5000, volatility: 0.05, sinceLastUpdate: 3600 });

class FixedPolicy implements Policy {
  readonly name = "fixed";
  constructor(private readonly action: Action, private readonly index: number) {}
  decide(): Decision {
    return { action: this.action, actionIndex: this.index, stateIndex: 7, qValues: [0, 1, 2, 3] };
  }
}

const logit = (p: number) => Math.log(p / (1 - p));

/** Logistic model with p = sigmoid(b + w·isRepeg) on raw (unscaled) features. */
function classifier(pK: number, pRepeg: number): SupervisedModel {
  const tf = getTf();
  const n = CLASSIFIER_FEATURES.length;
  const net = buildModel("logistic", n, { seed: 1, l2: 0 });
  const kernel = new Array(n).fill(0);
  kernel[CLASSIFIER_FEATURES.indexOf("isRepeg")] = logit(pRepeg) - logit(pK);
  net.setWeights([tf.tensor2d(kernel, [n, 1]), tf.tensor1d([logit(pK)])]);
  return new SupervisedModel("logistic", CLASSIFIER_FEATURES, { means: new Array(n).fill(0), stds: new Array(n).fill(1) }, net);
}

/** Regressor that always predicts `size` (zero weights, target mean = size). */
function constantRegressor(size: number): SupervisedModel {
  const n = REGRESSOR_FEATURES.length;
  const net = buildModel("sizeRegressor", n, { seed: 1, l2: 0 });
  net.setWeights(net.getWeights().map((w) => getTf().zerosLike(w)));
  return new SupervisedModel("sizeRegressor", REGRESSOR_FEATURES, { means: new Array(n).fill(0), stds: new Array(n).fill(1) }, net, { mean: size, std: 1 });
}

describe("supervised / ensemble policy", function () {
  before(async function () {
    await initTfQuietly();
  });

  describe("when the success probability is below the threshold", function () {
    it("holds, keeping the inner decision's state and Q-values", function () {
      const policy = new SupervisedEnsemblePolicy(new FixedPolicy({ kind: "kUp", stepBps: 50 }, 2), { classifier: classifier(0.3, 0.9) }, { threshold: 0.5 });
      const d = policy.decide(OBS);
      expect(d.action).to.deep.equal({ kind: "hold" });
      expect(d.actionIndex).to.equal(0);
      expect(d.stateIndex).to.equal(7);
      expect(d.qValues).to.deep.equal([0, 1, 2, 3]);
      expect(d.vetoed).to.equal(true);
      expect(d.innerAction).to.deep.equal({ kind: "kUp", stepBps: 50 });
      expect(d.successProbability).to.be.closeTo(0.3, 1e-5);
    });
  });

  describe("when the success probability clears the threshold", function () {
    it("passes the inner action through unchanged", function () {
      const inner = new FixedPolicy({ kind: "repeg", fraction: 0.5 }, 1);
      const policy = new SupervisedEnsemblePolicy(inner, { classifier: classifier(0.3, 0.9) }, { threshold: 0.5 });
      const d = policy.decide(OBS);
      expect(d.action).to.deep.equal({ kind: "repeg", fraction: 0.5 });
      expect(d.actionIndex).to.equal(1);
      expect(d.vetoed).to.equal(false);
      expect(d.successProbability).to.be.closeTo(0.9, 1e-5);
    });

    it("scores each action separately (the same model vetoes k but passes a repeg)", function () {
      const clf = classifier(0.3, 0.9);
      expect(new SupervisedEnsemblePolicy(new FixedPolicy({ kind: "kDown", stepBps: 100 }, 3), { classifier: clf }).decide(OBS).action.kind).to.equal("hold");
      expect(new SupervisedEnsemblePolicy(new FixedPolicy({ kind: "repeg" }, 1), { classifier: clf }).decide(OBS).action.kind).to.equal("repeg");
    });
  });

  describe("when the inner policy holds", function () {
    it("holds without consulting the classifier", function () {
      const d = new SupervisedEnsemblePolicy(new FixedPolicy({ kind: "hold" }, 0), { classifier: classifier(0.9, 0.9) }).decide(OBS);
      expect(d.action.kind).to.equal("hold");
      expect(d.successProbability).to.equal(null);
      expect(d.vetoed).to.equal(false);
    });
  });

  describe("with regressor sizing", function () {
    it("sets the k step from the predicted size, within the guard rail", function () {
      const make = (size: number) =>
        new SupervisedEnsemblePolicy(new FixedPolicy({ kind: "kUp", stepBps: 10 }, 2), { classifier: classifier(0.9, 0.9), sizeRegressor: constantRegressor(size) }, { sizeWithRegressor: true });
      expect(make(0.005).decide(OBS).action).to.deep.equal({ kind: "kUp", stepBps: 50 });
      expect(make(0.05).decide(OBS).action).to.deep.equal({ kind: "kUp", stepBps: 100 }); // capped at +1%
      expect(make(-0.005).decide(OBS).action).to.deep.equal({ kind: "kUp", stepBps: 10 }); // wrong direction: inner size kept
    });

    it("sets the repeg fraction from the predicted size", function () {
      const half = fullRepegSize(OBS) / 2;
      const policy = new SupervisedEnsemblePolicy(new FixedPolicy({ kind: "repeg", fraction: 1 }, 1), { classifier: classifier(0.9, 0.9), sizeRegressor: constantRegressor(half) }, { sizeWithRegressor: true });
      const d = policy.decide(OBS);
      expect(d.action.kind).to.equal("repeg");
      expect(d.action.fraction).to.be.closeTo(0.5, 1e-5);
    });
  });

  describe("construction", function () {
    it("rejects a bad threshold, a regressor as classifier, and sizing without a regressor", function () {
      const inner = new FixedPolicy({ kind: "hold" }, 0);
      expect(() => new SupervisedEnsemblePolicy(inner, { classifier: classifier(0.5, 0.5) }, { threshold: 1.5 })).to.throw(/threshold must be in \[0, 1\]/);
      expect(() => new SupervisedEnsemblePolicy(inner, { classifier: constantRegressor(0) })).to.throw(/must be logistic or mlp, got sizeRegressor/);
      expect(() => new SupervisedEnsemblePolicy(inner, { classifier: classifier(0.5, 0.5) }, { sizeWithRegressor: true })).to.throw(/needs a size regressor/);
    });
  });

  describe("feature mapper", function () {
    const liability = (x: number, y: number, P: number, d: number) => (y - (x * y) / (x + d)) * P;

    it("prices a k change as the change in the AMM's liability (DESIGN §4)", function () {
      const f = observationFeatures(OBS, { kind: "kUp", stepBps: 100 })!;
      const { baseReserve: x, quoteReserve: y, peg: P } = OBS;
      const d = OBS.longOI - OBS.shortOI;
      const p = 1.01;
      expect(f.kind).to.equal("k");
      expect(f.size).to.be.closeTo(0.01, 1e-12);
      expect(f.cost).to.be.closeTo(liability(p * x, p * y, P, d) - liability(x, y, P, d), 1e-9);
      expect(f.cost).to.be.greaterThan(0); // raising k with a net long costs
    });

    it("prices a repeg toward the oracle, capped by the peg guard rail", function () {
      const f = observationFeatures(OBS, { kind: "repeg", fraction: 1 }, { maxPegChangeBps: 50 })!;
      expect(f.size).to.be.closeTo(0.005, 1e-12);
      const d = OBS.longOI - OBS.shortOI;
      expect(f.cost).to.be.closeTo(liability(1000, 1000, 100 * 1.005, d) - liability(1000, 1000, 100, d), 1e-9);
      expect(f.imbalance).to.be.closeTo(0.5, 1e-12);
      expect(f.oi).to.be.closeTo(0.04, 1e-12);
      expect(f.gap).to.be.closeTo(-1 / 101, 1e-12);
    });

    it("names a bad observation field", function () {
      expect(() => observationFeatures({ ...OBS, peg: 0 }, { kind: "kUp" })).to.throw(/observation: peg must be a positive number/);
    });
  });
});
