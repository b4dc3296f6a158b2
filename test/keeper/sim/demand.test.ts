import { expect } from "chai";
import { arrivalRateAt, medianNotionalAt, uninformedOrder } from "../../../keeper/sim/demand";
import { chainArrivalScale } from "../../../keeper/onchain/runChain";
import { MarketEnv } from "../../../keeper/sim/env";
import { testScenario } from "./fixtures";

describe("demand model's response to depth (keeper/sim/demand.ts)", () => {
  const sc = testScenario({}, { rateElasticity: 0.7, sqrtKRef: 100_000, uninformed: { notionalMedian: 2_000, notionalLogSd: 0.5, sizeElasticity: 0.4, holdingMeanSec: 3600, leverage: 4 } });

  describe("at the reference depth", () => {
    it("is the scenario's rate and median", () => {
      expect(arrivalRateAt(sc.traders, 100_000, 100_000)).to.equal(sc.traders.arrivalRatePerSec);
      expect(medianNotionalAt(sc.traders, 100_000, 100_000)).to.equal(2_000);
    });
  });

  describe("at twice the depth", () => {
    it("scales the rate by 2^rateElasticity and the median by 2^sizeElasticity", () => {
      expect(arrivalRateAt(sc.traders, 200_000, 100_000)).to.be.closeTo(sc.traders.arrivalRatePerSec * Math.pow(2, 0.7), 1e-12);
      expect(medianNotionalAt(sc.traders, 200_000, 100_000)).to.be.closeTo(2_000 * Math.pow(2, 0.4), 1e-9);
    });
    it("draws an uninformed order around that median at the scenario's leverage", () => {
      const o = uninformedOrder(sc.traders, 200_000, 100_000, 1, 0.7);
      expect(o.isLong).to.equal(false);
      expect(o.quote).to.be.closeTo(2_000 * Math.pow(2, 0.4) * Math.exp(0.5), 1e-9);
      expect(o.margin).to.be.closeTo(o.quote / 4, 1e-9);
    });
  });

  describe("the simulator's trader flow", () => {
    it("uses the same definitions after a k change", () => {
      const env = new MarketEnv({});
      env.reset(sc, 1);
      const k0 = env.market.sqrtK;
      expect(env.step({ kind: "kUp", stepBps: 50 }).applied).to.equal(true);
      expect(env.market.sqrtK).to.be.greaterThan(k0);
      const ref = sc.traders.sqrtKRef ?? sc.market.sqrtK;
      expect(env.traderFlow.arrivalRate()).to.equal(arrivalRateAt(sc.traders, env.market.sqrtK, ref));
      expect(env.traderFlow.medianNotional()).to.equal(medianNotionalAt(sc.traders, env.market.sqrtK, ref));
    });
  });

  describe("the on-chain runner's thinning (chainArrivalScale)", () => {
    it("is arrivalsPerDay over the scenario's daily rate at the reference depth, or arrivalScale itself", () => {
      expect(chainArrivalScale(sc, { arrivalsPerDay: sc.traders.arrivalRatePerSec * 86_400 * 0.25 })).to.be.closeTo(0.25, 1e-12);
      expect(chainArrivalScale(sc, { arrivalScale: 0.01 })).to.equal(0.01);
      expect(chainArrivalScale(sc, {})).to.equal(1);
    });
    it("refuses both at once, and a non-positive scale, naming the options", () => {
      expect(() => chainArrivalScale(sc, { arrivalScale: 0.1, arrivalsPerDay: 100 })).to.throw("give arrivalScale or arrivalsPerDay, not both");
      expect(() => chainArrivalScale(sc, { arrivalScale: 0 })).to.throw("arrival scale must be a positive number, got 0");
      expect(() => chainArrivalScale(sc, { arrivalsPerDay: -5 })).to.throw("arrivalsPerDay -5");
    });
  });
});
