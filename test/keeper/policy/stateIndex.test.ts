import { expect } from "chai";
import fc from "fast-check";
import { ammFundingBps, repegGainBps, bucketOf, createStateSpace, normalisedImbalance } from "../../../keeper/policy/stateIndex";
import { ThresholdPolicy } from "../../../keeper/policy/baselines/thresholdPolicy";
import { repegCost } from "../../../keeper/policy/baselines/curveMath";
import { parseMdpConfig, DEFAULT_MDP } from "../../../keeper/policy/mdpConfig";
import { makeObs } from "./fixtures";

describe("policy state discretisation", () => {
  describe("bucketOf", () => {
    const edges = [-1, 0, 1];
    it("puts values below the first edge in bucket 0 and at/above the last in the top bucket", () => {
      expect(bucketOf(-5, edges)).to.equal(0);
      expect(bucketOf(1, edges)).to.equal(3);
      expect(bucketOf(9, edges)).to.equal(3);
    });
    it("treats an edge as the lower bound of its bucket", () => {
      expect(bucketOf(-1, edges)).to.equal(1);
      expect(bucketOf(-0.999, edges)).to.equal(1);
      expect(bucketOf(0, edges)).to.equal(2);
      expect(bucketOf(-1e-12, edges)).to.equal(1);
    });
    it("handles infinities and rejects NaN", () => {
      expect(bucketOf(-Infinity, edges)).to.equal(0);
      expect(bucketOf(Infinity, edges)).to.equal(3);
      expect(() => bucketOf(NaN, edges)).to.throw(/NaN/);
    });
  });

  describe("imbalance normalisation", () => {
    it("divides by total OI (0 when flat) or by sqrtK", () => {
      expect(normalisedImbalance(makeObs({ longOI: 30, shortOI: 10 }), "totalOI")).to.be.closeTo(0.5, 1e-12);
      expect(normalisedImbalance(makeObs({}), "totalOI")).to.equal(0);
      expect(normalisedImbalance(makeObs({ longOI: 30, shortOI: 10, sqrtK: 200 }), "sqrtK")).to.be.closeTo(0.1, 1e-12);
    });
  });

  describe("the funding premium the AMM receives", () => {
    it("is the TWAP premium in bps signed by the AMM's side (it holds −(longOI − shortOI))", () => {
      // Users net long, mark TWAP 12 bps over the oracle's: longs pay, the AMM (short) receives +12.
      expect(ammFundingBps(makeObs({ longOI: 30, shortOI: 10, markTwapBps: 12 }), 0.05)).to.be.closeTo(12, 1e-9);
      // Users net short with the same premium: the AMM is long and pays.
      expect(ammFundingBps(makeObs({ longOI: 10, shortOI: 30, markTwapBps: 12 }), 0.05)).to.be.closeTo(-12, 1e-9);
      expect(ammFundingBps(makeObs({ longOI: 10, shortOI: 30, markTwapBps: -7 }), 0.05)).to.be.closeTo(7, 1e-9);
    });
    it("is 0 for a flat book or an imbalance below minImbalance of total OI", () => {
      expect(ammFundingBps(makeObs({ markTwapBps: 40 }), 0.05)).to.equal(0);
      expect(ammFundingBps(makeObs({ longOI: 51, shortOI: 49, markTwapBps: 40 }), 0.05)).to.equal(0);
      expect(ammFundingBps(makeObs({ longOI: 51, shortOI: 49, markTwapBps: 40 }), 0.01)).to.be.closeTo(40, 1e-9);
    });
    it("says what the threshold rule's k choice reads: its sign is the rule's k direction (property, 500 runs)", () => {
      const opts = { repegAboveBps: 1e6, fundingPremiumBps: 2, minImbalance: 0.05, kUpStepBps: 100, kDownStepBps: 200 };
      const rule = new ThresholdPolicy(opts);
      fc.assert(
        fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: -200, max: 200, noNaN: true }), (longOI, shortOI, premiumBps) => {
          const obs = makeObs({ longOI, shortOI, gapBps: 0, markTwapBps: premiumBps });
          const f = ammFundingBps(obs, opts.minImbalance);
          const kind = rule.decide(obs).action.kind;
          if (f >= opts.fundingPremiumBps + 1e-9) expect(kind).to.equal("kUp");
          else if (f <= -opts.fundingPremiumBps - 1e-9) expect(kind).to.equal("kDown");
          else if (Math.abs(Math.abs(f) - opts.fundingPremiumBps) > 1e-9) expect(kind).to.equal("hold");
        }),
        { numRuns: 500, seed: 16 },
      );
    });
    it("is a state dimension with its own edges", () => {
      const space = createStateSpace({ imbalance: { normaliseBy: "totalOI", edges: [0] }, ammFundingBps: { edges: [-2, 2], minImbalance: 0.05 } });
      expect(space.size).to.equal(2 * 3);
      expect(space.index(makeObs({ longOI: 30, shortOI: 10, markTwapBps: 12 }))).to.equal(5);
      expect(space.index(makeObs({ longOI: 10, shortOI: 30, markTwapBps: 12 }))).to.equal(0);
      expect(space.label(4)).to.equal("imbalance[0,∞) ammFundingBps[-2,2)");
    });
  });

  describe("what a repeg would earn", () => {
    it("is the gap signed by the users' net side, 0 below minImbalance", () => {
      expect(repegGainBps(makeObs({ longOI: 30, shortOI: 10, gapBps: 8 }), 0.05)).to.be.closeTo(8, 1e-6);
      expect(repegGainBps(makeObs({ longOI: 10, shortOI: 30, gapBps: 8 }), 0.05)).to.be.closeTo(-8, 1e-6);
      expect(repegGainBps(makeObs({ longOI: 51, shortOI: 49, gapBps: 8 }), 0.05)).to.equal(0);
    });
    it("is positive exactly when the full repeg's cost is negative (property, 500 runs)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 200_000 }), fc.boolean(), fc.integer({ min: 1, max: 30_000 }), fc.boolean(), (shortOI, excess, netLong, gapHundredths, above) => {
          // |longOI − shortOI| ≥ 1 base and |gap| ≥ 0.01 bp, so the cost has a sign.
          const longOI = netLong ? shortOI + excess : Math.max(0, shortOI - excess);
          fc.pre(longOI !== shortOI);
          const obs = makeObs({ longOI, shortOI, gapBps: (above ? 1 : -1) * gapHundredths / 100 });
          expect(Math.sign(repegGainBps(obs, 0))).to.equal(-Math.sign(repegCost(obs, 1)));
        }),
        { numRuns: 500, seed: 16 },
      );
    });
  });

  describe("state index", () => {
    const space = createStateSpace({ imbalance: { normaliseBy: "totalOI", edges: [0] }, gapBps: { edges: [-10, 10] } });
    it("is a mixed-radix number over the dimensions", () => {
      expect(space.size).to.equal(2 * 3);
      expect(space.index(makeObs({ longOI: 1, shortOI: 3, gapBps: -20 }))).to.equal(0);
      expect(space.index(makeObs({ longOI: 1, shortOI: 3, gapBps: 0 }))).to.equal(1);
      expect(space.index(makeObs({ longOI: 3, shortOI: 1, gapBps: 12 }))).to.equal(5);
    });
    it("decodes and labels every state", () => {
      for (let s = 0; s < space.size; s++) expect(space.decode(s)).to.have.length(2);
      expect(space.decode(5)).to.deep.equal([1, 2]);
      expect(space.label(0)).to.equal("imbalance[-∞,0) gapBps[-∞,-10)");
      expect(() => space.decode(6)).to.throw(/outside/);
    });
    it("covers the default MDP's optional dimensions", () => {
      const full = createStateSpace({ ...DEFAULT_MDP.state, budgetBps: { edges: [1] }, volatility: { edges: [0.02, 0.05] } });
      expect(full.size).to.equal(9 * 7 * 2 * 3);
      const s = full.index(makeObs({ longOI: 5, gapBps: 100, budget: 0, volatility: 0.1 }));
      expect(full.decode(s)).to.deep.equal([8, 6, 0, 2]);
    });
  });

  describe("config validation", () => {
    it("rejects unsorted edges and unknown actions naming the field", () => {
      const bad = { ...DEFAULT_MDP, state: { imbalance: { normaliseBy: "totalOI", edges: [0.5, 0.1] } } };
      expect(() => parseMdpConfig(bad)).to.throw(/state\.imbalance\.edges: bucket edges must be strictly increasing/);
      const badAction = { ...DEFAULT_MDP, actions: [{ kind: "repeg", fraction: 1.5 }] };
      expect(() => parseMdpConfig(badAction)).to.throw(/actions\.0\.fraction/);
    });
  });
});
