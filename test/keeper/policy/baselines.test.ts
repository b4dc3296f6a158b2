import { expect } from "chai";
import { StaticPolicy } from "../../../keeper/policy/baselines/staticPolicy";
import { FormulaicPolicy } from "../../../keeper/policy/baselines/formulaicPolicy";
import { ThresholdPolicy, DEFAULT_THRESHOLD_OPTIONS } from "../../../keeper/policy/baselines/thresholdPolicy";
import { repegCost, targetPeg } from "../../../keeper/policy/baselines/curveMath";
import { makeObs } from "./fixtures";

describe("baseline policies", () => {
  describe("curve math", () => {
    it("prices a repeg as (y − y_t)·(P' − P), matching the liability before and after", () => {
      const obs = makeObs({ longOI: 1000, gapBps: -40 });
      const d = obs.longOI - obs.shortOI;
      const yt = (obs.sqrtK * obs.sqrtK) / (obs.baseReserve + d);
      const liability = (peg: number) => (obs.quoteReserve - yt) * peg;
      const p2 = targetPeg(obs, 1);
      expect(p2 * (obs.quoteReserve / obs.baseReserve)).to.be.closeTo(obs.oracle, 1e-9);
      expect(repegCost(obs, 1)).to.be.closeTo(liability(p2) - liability(obs.peg), 1e-6);
      expect(repegCost(obs, 1)).to.be.greaterThan(0); // net long, peg rises: the protocol pays
    });
  });

  describe("static", () => {
    it("always holds", () => {
      const p = new StaticPolicy();
      for (const gapBps of [-500, 0, 500]) expect(p.decide(makeObs({ longOI: 50, gapBps })).action.kind).to.equal("hold");
      expect(p.decide(makeObs({})).qValues).to.deep.equal([]);
    });
  });

  describe("formulaic", () => {
    const p = new FormulaicPolicy({ minGapBps: 0.5 });
    it("repegs all the way to the oracle when the budget allows", () => {
      const d = p.decide(makeObs({ longOI: 1000, gapBps: -40, budget: 1e9 }));
      expect(d.action).to.deep.equal({ kind: "repeg", fraction: 1 });
    });
    it("repegs a revenue-earning gap whatever the budget", () => {
      // Net long and mark above the oracle: lowering the peg earns.
      expect(p.decide(makeObs({ longOI: 1000, gapBps: 40, budget: 0 })).action).to.deep.equal({ kind: "repeg", fraction: 1 });
    });
    it("goes only as far as the budget pays for", () => {
      const obs = makeObs({ longOI: 1000, gapBps: -40 });
      const full = repegCost(obs, 1);
      const d = p.decide({ ...obs, budget: full / 4 });
      expect(d.action.kind).to.equal("repeg");
      expect(d.action.fraction).to.be.closeTo(0.25, 1e-9);
      expect(p.decide({ ...obs, budget: 0 }).action.kind).to.equal("hold");
    });
    it("leaves a negligible gap alone", () => {
      expect(p.decide(makeObs({ longOI: 1000, gapBps: 0.1 })).action.kind).to.equal("hold");
    });
  });

  describe("threshold", () => {
    const p = new ThresholdPolicy(DEFAULT_THRESHOLD_OPTIONS);
    it("repegs fully only beyond X bps", () => {
      expect(p.decide(makeObs({ longOI: 10, shortOI: 10, gapBps: 30 })).action).to.deep.equal({ kind: "repeg", fraction: 1 });
      expect(p.decide(makeObs({ longOI: 10, shortOI: 10, gapBps: -30 })).action).to.deep.equal({ kind: "repeg", fraction: 1 });
      expect(p.decide(makeObs({ longOI: 10, shortOI: 10, gapBps: 20 })).action.kind).to.equal("hold");
    });
    it("steps k up while the AMM receives funding and down while it pays", () => {
      // Users net long, mark TWAP above the oracle TWAP: longs pay, the AMM (short) receives.
      expect(p.decide(makeObs({ longOI: 30, shortOI: 10, gapBps: 10, markTwapBps: 10 })).action).to.deep.equal({ kind: "kUp", stepBps: 50 });
      // Users net long, premium negative: the AMM pays.
      expect(p.decide(makeObs({ longOI: 30, shortOI: 10, gapBps: -10, markTwapBps: -10 })).action).to.deep.equal({ kind: "kDown", stepBps: 100 });
      // Users net short, premium negative: shorts pay, the AMM (long) receives.
      expect(p.decide(makeObs({ longOI: 10, shortOI: 30, gapBps: -10, markTwapBps: -10 })).action.kind).to.equal("kUp");
    });
    it("holds when the imbalance or the premium is too small", () => {
      expect(p.decide(makeObs({ longOI: 100, shortOI: 99, markTwapBps: 10, gapBps: 10 })).action.kind).to.equal("hold");
      expect(p.decide(makeObs({ longOI: 30, shortOI: 10, markTwapBps: 2, gapBps: 2 })).action.kind).to.equal("hold");
    });
  });
});
