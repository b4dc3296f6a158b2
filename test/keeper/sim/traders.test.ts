import { expect } from "chai";
import { runEpisode } from "../../../keeper/sim/episode";
import { holdPolicy, repegPolicy } from "../../../keeper/sim/simplePolicies";
import { testScenario } from "./fixtures";

describe("sim traders (DESIGN §7)", () => {
  describe("informed traders", () => {
    it("profit when the mark lags a rising oracle", () => {
      const s = testScenario({ oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0.05, volPerSqrtDay: 0.01 } }, { informedProb: 0.3 });
      const { metrics } = runEpisode(s, holdPolicy);
      expect(metrics.volumeInformed).to.be.greaterThan(0);
      expect(metrics.informedProfit).to.be.greaterThan(0);
    });

    it("pull the mark to the oracle after a jump (gap ends near the fee band)", () => {
      const s = testScenario({ oracle: { kind: "jump", initialPrice: 2000, volPerSqrtDay: 0, jumps: [{ atSec: 3600, size: 0.05 }] } }, { informedProb: 0.3 });
      const { metrics, trace } = runEpisode(s, holdPolicy);
      const last = trace.mark.length - 1;
      expect(Math.abs(trace.mark[last] / trace.oracle[last] - 1) * 1e4).to.be.lessThan(30);
      expect(metrics.informedProfit).to.be.greaterThan(0);
    });

    it("stay out when the gap does not beat the fee (constant oracle, no uninformed flow)", () => {
      const s = testScenario({}, { informedProb: 1 });
      const { metrics } = runEpisode(s, holdPolicy);
      expect(metrics.volumeInformed).to.equal(0);
    });
  });

  describe("uninformed traders", () => {
    it("lose about the fees on a driftless path (no informed traders)", () => {
      const s = testScenario({ horizonSec: 2 * 86400 }, { informedProb: 0 });
      const { metrics } = runEpisode(s, holdPolicy);
      expect(metrics.uninformedFees).to.be.greaterThan(0);
      const rel = Math.abs(metrics.uninformedLoss - metrics.uninformedFees) / metrics.uninformedFees;
      expect(rel).to.be.lessThan(0.1);
    });

    it("trade more when the curve is deeper (demand grows with sqrtK)", () => {
      const shallow = testScenario({ market: { sqrtK: 100_000, budget: 1e5, reservedShare: 0 } }, { informedProb: 0, sqrtKRef: 150_000 });
      const deep = testScenario({ market: { sqrtK: 300_000, budget: 1e5, reservedShare: 0 } }, { informedProb: 0, sqrtKRef: 150_000 });
      expect(runEpisode(deep, holdPolicy).metrics.volume).to.be.greaterThan(1.5 * runEpisode(shallow, holdPolicy).metrics.volume);
    });
  });

  describe("liquidators", () => {
    it("liquidate leveraged longs after a crash and book bad debt through the waterfall", () => {
      const s = testScenario({ oracle: { kind: "jump", initialPrice: 2000, volPerSqrtDay: 0, jumps: [{ atSec: 43200, size: -0.3 }] } }, { informedProb: 0.3 });
      const { metrics } = runEpisode(s, repegPolicy(1));
      expect(metrics.liquidations).to.be.greaterThan(0);
      expect(metrics.badDebt).to.be.at.least(metrics.badDebtUncovered);
    });
  });
});
