import { expect } from "chai";
import type { Action, Decision, MarketObservation, Policy } from "../../../keeper/core/policyTypes";
import { createActionMask, isTrackingShieldActive } from "../../../keeper/policy/actionShield";
import { DEFAULT_REWARD_WEIGHTS, type MdpConfig } from "../../../keeper/policy/mdpConfig";
import { QPolicy } from "../../../keeper/policy/qPolicy";
import { QTable } from "../../../keeper/policy/qTable";
import { createStateSpace } from "../../../keeper/policy/stateIndex";
import { CLASSIFIER_FEATURES, REGRESSOR_FEATURES } from "../../../keeper/supervised/adjustmentRecord";
import { fullRepegSize } from "../../../keeper/supervised/observationFeatures";
import type { ScoringModel } from "../../../keeper/supervised/plainModel";
import { SupervisedEnsemblePolicy } from "../../../keeper/supervised/supervisedEnsemblePolicy";
import { makeObs } from "../policy/fixtures";

// Actions: 0 hold, 1 repeg ½, 2 repeg all, 3 k up. Shield at 20 bps.
const SHIELDED: MdpConfig = {
  state: { imbalance: { normaliseBy: "totalOI", edges: [0] }, gapBps: { edges: [-10, 10] } },
  actions: [{ kind: "hold" }, { kind: "repeg", fraction: 0.5 }, { kind: "repeg", fraction: 1 }, { kind: "kUp", stepBps: 100 }],
  reward: { ...DEFAULT_REWARD_WEIGHTS },
  trackingShield: { gapBps: 20 },
};
const { trackingShield: _unused, ...UNSHIELDED } = SHIELDED;

/** A Q-policy whose every state has the given Q-row (so the greedy choice is the same everywhere). */
function qPolicy(mdp: MdpConfig, row: readonly number[]): QPolicy {
  const nStates = createStateSpace(mdp.state).size;
  const table = new QTable(nStates, mdp.actions.length, Float64Array.from({ length: nStates * row.length }, (_, i) => row[i % row.length]));
  return new QPolicy({ name: "q", mdp, table, training: {}, trainingCurve: [], checksum: "sha256:test" });
}

/** Classifier stub answering exactly `p` for every action (a trained model cannot reach 0). */
function constantClassifier(p: number): ScoringModel {
  return { kind: "logistic", featureNames: CLASSIFIER_FEATURES, predict: (rows) => rows.map(() => p) };
}

function constantRegressor(size: number): ScoringModel {
  return { kind: "sizeRegressor", featureNames: REGRESSOR_FEATURES, predict: (rows) => rows.map(() => size) };
}

class FixedPolicy implements Policy {
  readonly name = "fixed";
  constructor(private readonly action: Action) {}
  decide(): Decision {
    return { action: this.action, actionIndex: 2, stateIndex: 0, qValues: [] };
  }
}

const FAR: MarketObservation = makeObs({ gapBps: -25, longOI: 30, shortOI: 10 });
const NEAR: MarketObservation = makeObs({ gapBps: -5, longOI: 30, shortOI: 10 });
// kUp is best, repeg-all second: the shield is what turns the Q-policy's choice into a repeg.
const K_FIRST = [0, 1, 2, 3];
const REPEG_FIRST = [0, 1, 3, 2];

describe("supervised / ensemble policy and the tracking shield", function () {
  describe("when the inner Q-policy's shield is active", function () {
    const inner = qPolicy(SHIELDED, K_FIRST);

    it("passes the forced repeg through even at success probability 0", function () {
      expect(inner.decide(FAR).action).to.deep.equal({ kind: "repeg", fraction: 1 });
      const d = new SupervisedEnsemblePolicy(inner, { classifier: constantClassifier(0) }, { threshold: 0.5 }).decide(FAR);
      expect(d.action).to.deep.equal({ kind: "repeg", fraction: 1 });
      expect(d.actionIndex).to.equal(2);
      expect(d.innerAction).to.deep.equal(d.action);
      expect(d.vetoed).to.equal(false);
      expect(d.reason).to.equal("shield");
      expect(d.successProbability).to.equal(0);
    });

    it("passes it at threshold 1 on either side of the oracle", function () {
      const d = new SupervisedEnsemblePolicy(inner, { classifier: constantClassifier(0) }, { threshold: 1 }).decide(makeObs({ gapBps: 40 }));
      expect(d.action.kind).to.equal("repeg");
      expect(d.reason).to.equal("shield");
    });

    it("does not re-size the forced repeg with the regressor", function () {
      const tiny = fullRepegSize(FAR) / 10;
      const models = { classifier: constantClassifier(1), sizeRegressor: constantRegressor(tiny) };
      expect(new SupervisedEnsemblePolicy(inner, models, { sizeWithRegressor: true }).decide(FAR).action).to.deep.equal({ kind: "repeg", fraction: 1 });
      // Control: without the shield the same regressor would have shrunk it to a tenth.
      const free = new SupervisedEnsemblePolicy(qPolicy(UNSHIELDED, REPEG_FIRST), models, { sizeWithRegressor: true }).decide(FAR);
      expect(free.action.fraction).to.be.closeTo(0.1, 1e-9);
      expect(free.reason).to.equal("accepted");
    });
  });

  describe("when the shield is not active", function () {
    it("still vetoes the inner action inside the shield's band", function () {
      const d = new SupervisedEnsemblePolicy(qPolicy(SHIELDED, K_FIRST), { classifier: constantClassifier(0) }, { threshold: 0.5 }).decide(NEAR);
      expect(d.innerAction).to.deep.equal({ kind: "kUp", stepBps: 100 });
      expect(d.action).to.deep.equal({ kind: "hold" });
      expect(d.vetoed).to.equal(true);
      expect(d.reason).to.equal("vetoed");
    });

    it("still vetoes a repeg inside the band", function () {
      const d = new SupervisedEnsemblePolicy(qPolicy(SHIELDED, REPEG_FIRST), { classifier: constantClassifier(0) }, { threshold: 0.5 }).decide(NEAR);
      expect(d.innerAction.kind).to.equal("repeg");
      expect(d.action.kind).to.equal("hold");
      expect(d.reason).to.equal("vetoed");
    });

    it("still vetoes a far-off repeg when the inner policy has no shield", function () {
      const d = new SupervisedEnsemblePolicy(qPolicy(UNSHIELDED, REPEG_FIRST), { classifier: constantClassifier(0) }, { threshold: 0.5 }).decide(FAR);
      expect(d.innerAction.kind).to.equal("repeg");
      expect(d.action.kind).to.equal("hold");
      expect(d.vetoed).to.equal(true);
      expect(d.reason).to.equal("vetoed");
    });

    it("reports an accepted action and an inner hold with their reasons", function () {
      const clf = constantClassifier(0.9);
      expect(new SupervisedEnsemblePolicy(qPolicy(SHIELDED, K_FIRST), { classifier: clf }).decide(NEAR).reason).to.equal("accepted");
      expect(new SupervisedEnsemblePolicy(qPolicy(SHIELDED, [1, 0, 0, 0]), { classifier: clf }).decide(NEAR).reason).to.equal("innerHold");
    });
  });

  describe("the trackingShield option", function () {
    it("applies a given shield to an inner policy that carries none", function () {
      const inner = new FixedPolicy({ kind: "repeg", fraction: 0.5 });
      const withShield = new SupervisedEnsemblePolicy(inner, { classifier: constantClassifier(0) }, { trackingShield: { gapBps: 20 } });
      expect(withShield.decide(FAR).reason).to.equal("shield");
      expect(new SupervisedEnsemblePolicy(inner, { classifier: constantClassifier(0) }).decide(FAR).reason).to.equal("vetoed");
    });

    it("null switches the inner Q-policy's shield off for the ensemble", function () {
      const d = new SupervisedEnsemblePolicy(qPolicy(SHIELDED, K_FIRST), { classifier: constantClassifier(0) }, { trackingShield: null }).decide(FAR);
      expect(d.innerAction.kind).to.equal("repeg"); // the Q-policy itself still obeys its shield
      expect(d.reason).to.equal("vetoed");
    });
  });

  describe("isTrackingShieldActive", function () {
    it("agrees with the action mask on every gap, and is off without a shield", function () {
      const mask = createActionMask(SHIELDED);
      const all = createActionMask(UNSHIELDED)(FAR);
      for (let g = -60; g <= 60; g += 1) {
        const obs = makeObs({ gapBps: g });
        expect(isTrackingShieldActive(SHIELDED.trackingShield, obs), `gap ${g}`).to.equal(mask(obs) !== all);
        expect(isTrackingShieldActive(undefined, obs)).to.equal(false);
        expect(isTrackingShieldActive(null, obs)).to.equal(false);
      }
    });
  });
});
