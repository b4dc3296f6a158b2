import { expect } from "chai";
import { runEpisode } from "../../../keeper/sim/episode";
import { holdPolicy, repegPolicy } from "../../../keeper/sim/simplePolicies";
import { markPrice } from "../../../keeper/sim/curve";
import { INFORMED_BAND_SHARE, informedMargin, informedQuote, informedTargetMark } from "../../../keeper/sim/traders";
import { informedOrder } from "../../../keeper/chain/informedOrder";
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

  describe("informed strategy (one definition for the simulator and the on-chain runner)", () => {
    // Curve x = y = sqrtK = 10,000, peg 2000: mark 2000; fee 10 bps, edge 40 bps, band 200 bps.
    const K = 1e8;
    it("stays idle while the gap does not beat fee + edge", () => {
      expect(informedTargetMark(2009.9, 2000, 2000, 10, 40, 200)).to.be.NaN; // 49.3 bps < 50 bps of 2009.9
      expect(informedTargetMark(1990.1, 2000, 2000, 10, 40, 200)).to.be.NaN;
    });

    it("targets the oracle less fee + edge, and sizes the quote to move the mark exactly there", () => {
      const target = informedTargetMark(2020, 2000, 2000, 10, 40, 200);
      expect(target).to.be.closeTo(2020 * (1 - 50 / 1e4), 1e-9);
      const q = informedQuote(K, 2000, 10_000, target, 1e9, 5);
      const y1 = 10_000 + q / 2000;
      expect(markPrice(K / y1, y1, 2000)).to.be.closeTo(target, 1e-9);
      expect(informedMargin(q, 5)).to.equal(q / 5);
    });

    it("stops inside the block's fluctuation band around the block-start mark, and is capped by capital × leverage", () => {
      const up = informedTargetMark(2200, 2000, 2000, 10, 40, 200);
      expect(up).to.be.closeTo(2000 * (1 + (200 * INFORMED_BAND_SHARE) / 1e4), 1e-9);
      // Trades earlier in the block already used the band that way: idle.
      expect(informedTargetMark(2200, 2040, 2000, 10, 40, 200)).to.be.NaN;
      expect(informedQuote(K, 2000, 10_000, up, 1_000, 5)).to.equal(5_000);
    });

    it("is what the on-chain runner sends (informedOrder converts the same decision into an order)", () => {
      const view = { oracle: 2100, mark: 2000, sqrtK: 10_000, peg: 2000, y: 10_000, feeBps: 10, fluctuationLimitBps: 200 };
      const order = informedOrder(view, 0, { edgeBps: 40, leverage: 5 }, 1e9)!;
      const target = informedTargetMark(2100, 2000, 2000, 10, 40, 200);
      expect(order.isLong).to.equal(true);
      expect(order.quote).to.equal(informedQuote(K, 2000, 10_000, target, 1e9 * 0.9, 5));
      expect(order.margin).to.equal(informedMargin(order.quote, 5));
      expect(informedOrder(view, -1, { edgeBps: 40, leverage: 5 }, 1e9), "a short holder closes first").to.equal(null);
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
