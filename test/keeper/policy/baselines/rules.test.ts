import { expect } from "chai";
import fc from "fast-check";
import { makeObs } from "../fixtures";
import type { MarketObservation } from "../../../../keeper/core/policyTypes";
import { DriftPolicy, DEFAULT_DRIFT_OPTIONS } from "../../../../keeper/policy/baselines/driftPolicy";
import { DepthSeekingPolicy, DEFAULT_DEPTH_SEEKING_OPTIONS } from "../../../../keeper/policy/baselines/depthSeekingPolicy";
import { ammFundingRevenue, kStepCost, repegCost } from "../../../../keeper/policy/baselines/curveMath";
import { kCostDirect } from "../../../../keeper/sim/curve";
import fs from "node:fs";
import { parseRuleSpec, splitPolicyList, validateTuned, RULES, TUNED_FILE } from "../../../../keeper/policy/baselines/ruleCatalog";
import { BASELINE_NAMES, REPO_ROOT, isBaseline, registerPolicyFactory, resolvePolicy } from "../../../../keeper/policy/policyRegistry";
import { selectedDefault } from "../../../../keeper/policy/defaultSelection";

const at = (obs: MarketObservation, time: number, budget = obs.budget): MarketObservation => ({ ...obs, time, budget });

describe("rule-based policies", () => {
  describe("k step cost", () => {
    it("equals the simulator's direct valuation for any imbalance and step", () => {
      fc.assert(
        fc.property(fc.integer({ min: -200_000, max: 200_000 }), fc.integer({ min: -200, max: 200 }), (net, step) => {
          const obs = makeObs({ longOI: Math.max(0, net), shortOI: Math.max(0, -net) });
          const d = obs.longOI - obs.shortOI;
          const direct = kCostDirect(obs.baseReserve, obs.quoteReserve, obs.sqrtK, obs.sqrtK * (1 + step / 1e4), obs.peg, d);
          expect(kStepCost(obs, step)).to.be.closeTo(direct, 1e-6 * Math.max(1, Math.abs(direct)));
        }),
      );
    });
  });

  describe("drift (Drift's formulaic repeg and k)", () => {
    const net = 50_000; // users net long: the AMM is short and earns when longs pay (mark TWAP above oracle)
    it("repegs toward the oracle when the gap is wide", () => {
      const p = new DriftPolicy();
      expect(p.decide(makeObs({ gapBps: -40, longOI: net })).action.kind).to.equal("repeg");
    });
    it("holds k on the first observation of an episode (no period yet)", () => {
      expect(new DriftPolicy().decide(makeObs({ gapBps: 2, markTwapBps: 20, longOI: net })).action.kind).to.equal("hold");
    });
    it("spends at most half the period's funding on a k increase, capped at 0.1 %·intensity", () => {
      const p = new DriftPolicy();
      const o = makeObs({ gapBps: 2, markTwapBps: 20, longOI: net });
      p.decide(at(o, 0));
      const next = at(o, 3600, o.budget + 1000);
      const d = p.decide(next);
      expect(d.action.kind).to.equal("kUp");
      const funding = ammFundingRevenue(next, 3600, DEFAULT_DRIFT_OPTIONS.fundingCapBps);
      expect(funding).to.be.greaterThan(0);
      expect(kStepCost(next, d.action.stepBps!)).to.be.at.most(funding / 2 + 1e-9);
      expect(d.action.stepBps!).to.be.at.most(10);
    });
    it("buys no k when the market is not tight, even with funding earned", () => {
      const p = new DriftPolicy({ ...DEFAULT_DRIFT_OPTIONS, tightGapBps: 1, repegMinGapBps: 50 });
      const o = makeObs({ gapBps: 5, markTwapBps: 20, longOI: net });
      p.decide(at(o, 0));
      expect(p.decide(at(o, 3600)).action.kind).to.equal("hold");
    });
    it("lowers k when funding cost the AMM more than the period earned, to earn back half the shortfall", () => {
      const p = new DriftPolicy();
      const o = makeObs({ gapBps: 2, markTwapBps: -20, longOI: net });
      p.decide(at(o, 0));
      const next = at(o, 3600, o.budget + 10);
      const d = p.decide(next);
      expect(d.action.kind).to.equal("kDown");
      const cost = -ammFundingRevenue(next, 3600, DEFAULT_DRIFT_OPTIONS.fundingCapBps);
      const earned = -kStepCost(next, -d.action.stepBps!);
      expect(earned).to.be.greaterThan(0);
      expect(earned).to.be.at.most((cost - 10) / 2 + 1e-6);
      expect(d.action.stepBps!).to.be.at.most(10);
    });
    it("does nothing to k at intensity 0", () => {
      const p = new DriftPolicy({ ...DEFAULT_DRIFT_OPTIONS, intensity: 0 });
      const o = makeObs({ gapBps: 2, markTwapBps: 20, longOI: net });
      p.decide(at(o, 0));
      expect(p.decide(at(o, 3600)).action.kind).to.equal("hold");
    });
    it("refuses an intensity outside [0, 100]", () => {
      expect(() => new DriftPolicy({ ...DEFAULT_DRIFT_OPTIONS, intensity: 150 })).to.throw("intensity must lie in [0, 100], got 150");
    });
  });

  describe("depth-seeking", () => {
    it("raises k while a step costs little against the budget", () => {
      const p = new DepthSeekingPolicy();
      expect(p.decide(makeObs({ longOI: 1000, budget: 1e9 })).action).to.deep.equal({ kind: "kUp", stepBps: DEFAULT_DEPTH_SEEKING_OPTIONS.kUpStepBps });
    });
    it("holds when the step is dear against the budget", () => {
      const obs = makeObs({ longOI: 40_000, budget: 1 });
      expect(kStepCost(obs, 100)).to.be.greaterThan(0.01);
      expect(new DepthSeekingPolicy().decide(obs).action.kind).to.equal("hold");
    });
    it("lowers k when exposure or volatility is high", () => {
      const p = new DepthSeekingPolicy();
      expect(p.decide(makeObs({ longOI: 100_000 })).action.kind).to.equal("kDown");
      expect(p.decide(makeObs({ volatility: 0.2 })).action.kind).to.equal("kDown");
    });
    it("repegs beyond its gap threshold", () => {
      expect(new DepthSeekingPolicy().decide(makeObs({ gapBps: 45 })).action.kind).to.equal("repeg");
    });
    it("repegs sooner when the repeg earns, at the narrower of its two triggers", () => {
      const rule = new DepthSeekingPolicy({ ...DEFAULT_DEPTH_SEEKING_OPTIONS, repegAboveBps: 60, earningRepegAboveBps: 10, maxExposure: 1 });
      // 20 bps off with the users net long / net short: the repeg earns for one, costs for the other.
      const earning = makeObs({ gapBps: 20, longOI: 20_000 });
      const paying = makeObs({ gapBps: 20, shortOI: 20_000 });
      expect(repegCost(earning, 1)).to.be.lessThan(0);
      expect(repegCost(paying, 1)).to.be.greaterThan(0);
      expect(rule.decide(earning).action.kind).to.equal("repeg");
      expect(rule.decide(paying).action.kind).to.not.equal("repeg");
      expect(rule.decide(makeObs({ gapBps: 70, shortOI: 20_000 })).action.kind).to.equal("repeg");
      // The earning trigger never widens the gap the rule waits for; by default there is one trigger.
      const wide = new DepthSeekingPolicy({ ...DEFAULT_DEPTH_SEEKING_OPTIONS, repegAboveBps: 10, earningRepegAboveBps: 60, maxExposure: 1 });
      expect(wide.decide(earning).action.kind).to.equal("repeg");
      expect(new DepthSeekingPolicy({ ...DEFAULT_DEPTH_SEEKING_OPTIONS, repegAboveBps: 60, maxExposure: 1 }).decide(earning).action.kind).to.not.equal("repeg");
    });
  });

  describe("the registry", () => {
    it("treats every built-in rule as a baseline, with no hard-coded list", () => {
      expect(BASELINE_NAMES).to.deep.equal([...RULES.keys()]);
      expect(BASELINE_NAMES).to.include.members(["static", "formulaic", "threshold", "drift", "depth-seeking"]);
      for (const n of BASELINE_NAMES) {
        expect(isBaseline(n)).to.equal(true);
        expect(resolvePolicy(n).name).to.equal(n);
      }
      expect(isBaseline("learned")).to.equal(false);
      // "default" is whatever policies/selection.json chose: a baseline exactly when that is a rule.
      expect(isBaseline("default")).to.equal(parseRuleSpec(selectedDefault(REPO_ROOT)) !== null);
    });
    it("counts a rule registered later as a baseline", () => {
      registerPolicyFactory("test-rule-later", (name) => ({ name, decide: () => ({ action: { kind: "hold" }, actionIndex: 0, stateIndex: -1, qValues: [] }) }));
      expect(isBaseline("test-rule-later")).to.equal(true);
    });
    it("builds a rule with option overrides, and names a bad option", () => {
      const r = parseRuleSpec('depth-seeking{"kUpStepBps":50}')!;
      expect(r.options.kUpStepBps).to.equal(50);
      expect(resolvePolicy('depth-seeking{"kUpStepBps":50}').decide(makeObs({ budget: 1e9 })).action).to.deep.equal({ kind: "kUp", stepBps: 50 });
      expect(() => parseRuleSpec('drift{"intensty":50}')).to.throw('policy "drift{"intensty":50}".intensty: rule drift has no option intensty');
      expect(() => parseRuleSpec('drift{"intensity":"x"}')).to.throw("expected a finite number");
    });
    it("splits a policy list at top-level commas only, so a rule may carry several options", () => {
      expect(splitPolicyList('threshold, depth-seeking{"repegAboveBps":10,"maxExposure":0.1},learned')).to.deep.equal([
        "threshold",
        'depth-seeking{"repegAboveBps":10,"maxExposure":0.1}',
        "learned",
      ]);
      expect(parseRuleSpec(splitPolicyList('static,depth-seeking{"repegAboveBps":10,"maxExposure":0.1}')[1])!.options).to.include({ repegAboveBps: 10, maxExposure: 0.1 });
      expect(() => splitPolicyList('threshold{"repegAboveBps":10')).to.throw('policy list "threshold{"repegAboveBps":10": a "{" is never closed');
      expect(() => splitPolicyList("threshold},static")).to.throw('a "}" closes no "{"');
    });
    it("ships the tuned options: a rule named plainly runs with what tune:baselines chose on train", () => {
      const tuned = JSON.parse(fs.readFileSync(TUNED_FILE, "utf8")) as { split: string; rules: Record<string, Record<string, number>> };
      expect(tuned.split).to.equal("train");
      for (const rule of ["threshold", "drift", "depth-seeking"]) {
        expect(tuned.rules[rule], rule).to.not.equal(undefined);
        expect(parseRuleSpec(rule)!.options).to.deep.equal({ ...RULES.get(rule)!.defaults, ...tuned.rules[rule] });
      }
    });
    it("validates a tuned-options file naming the rule and field", () => {
      expect(() => validateTuned({ rules: { nope: {} } }, "t.json")).to.throw("t.json: field rules.nope: no such rule");
      expect(() => validateTuned({ rules: { threshold: { repegAboveBps: null } } }, "t.json")).to.throw("t.json: field rules.threshold.repegAboveBps: expected a finite number");
    });
  });
});
