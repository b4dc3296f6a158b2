import { expect } from "chai";
import { epsilonAt, learningRateAt } from "../../../keeper/policy/schedules";

describe("policy schedules", () => {
  describe("epsilon", () => {
    it("decays exponentially per episode down to its floor", () => {
      const s = { kind: "exponential" as const, start: 1, end: 0.05, decay: 0.5 };
      expect(epsilonAt(s, 0)).to.equal(1);
      expect(epsilonAt(s, 1)).to.equal(0.5);
      expect(epsilonAt(s, 3)).to.equal(0.125);
      expect(epsilonAt(s, 100)).to.equal(0.05);
    });
    it("decays linearly and then stays at the end value", () => {
      const s = { kind: "linear" as const, start: 0.8, end: 0.1, episodes: 7 };
      expect(epsilonAt(s, 0)).to.be.closeTo(0.8, 1e-12);
      expect(epsilonAt(s, 3.5)).to.be.closeTo(0.45, 1e-12);
      expect(epsilonAt(s, 7)).to.be.closeTo(0.1, 1e-12);
      expect(epsilonAt(s, 70)).to.be.closeTo(0.1, 1e-12);
    });
    it("is constant when asked", () => {
      expect(epsilonAt({ kind: "constant", value: 0.3 }, 999)).to.equal(0.3);
    });
  });
  describe("learning rate", () => {
    it("is 1/visits^omega with a floor", () => {
      const s = { kind: "visits" as const, omega: 1, min: 0.01 };
      expect(learningRateAt(s, 0, 1)).to.equal(1);
      expect(learningRateAt(s, 0, 4)).to.equal(0.25);
      expect(learningRateAt(s, 0, 1000)).to.equal(0.01);
      expect(learningRateAt({ kind: "visits", omega: 0.5, min: 0 }, 0, 16)).to.equal(0.25);
    });
    it("decays exponentially per episode", () => {
      const s = { kind: "exponential" as const, start: 0.5, end: 0.1, decay: 0.5 };
      expect(learningRateAt(s, 0, 1)).to.equal(0.5);
      expect(learningRateAt(s, 1, 1)).to.equal(0.25);
      expect(learningRateAt(s, 10, 1)).to.equal(0.1);
    });
  });
});
