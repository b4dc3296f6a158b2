import { expect } from "chai";
import { bucketOf, createStateSpace, normalisedImbalance } from "../../../keeper/policy/stateIndex";
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
