import { expect } from "chai";
import { HOLD } from "../../../../keeper/core/policyTypes";
import { MarketEnv } from "../../../../keeper/sim/env";
import { runEpisode } from "../../../../keeper/sim/episode";
import { StaticPolicy } from "../../../../keeper/policy/baselines/staticPolicy";
import { parseScenario, type ScenarioInput } from "../../../../keeper/sim/scenario";

/** Leveraged uninformed traders (8×: 3.75 % from maintenance) on a volatile oracle. */
const base: ScenarioInput = {
  name: "hunt",
  split: "train",
  seed: 3,
  horizonSec: 2 * 86400,
  decisionIntervalSec: 3600,
  oracle: { kind: "gbm", initialPrice: 1000, volPerSqrtDay: 0.08 },
  market: { sqrtK: 200000, budget: 1e7 },
  traders: {
    arrivalRatePerSec: 0.3,
    informedProb: 0.02,
    uninformed: { notionalMedian: 3000, notionalLogSd: 1, holdingMeanSec: 14400, leverage: 8 },
    informed: { capital: 100000, leverage: 5, edgeBps: 40 },
  },
};
const hunted = parseScenario({ ...base, adversaries: { liquidationHunter: { capital: 50000, leverage: 5 } } }, "test");

describe("liquidation hunter (adversary pushing the curve through liquidation prices)", () => {
  describe("on a book of leveraged positions", () => {
    it("forces extra liquidations and keeps a positive take (attacker's figures)", () => {
      const quiet = runEpisode(parseScenario(base, "test"), new StaticPolicy(), 11, { trace: false }).metrics;
      const attacked = runEpisode(hunted, new StaticPolicy(), 11, { trace: false }).metrics;
      expect(quiet.hunts).to.equal(0);
      expect(attacked.hunts).to.be.greaterThan(0);
      expect(attacked.hunterTake).to.be.greaterThan(0);
      expect(attacked.liquidations).to.be.greaterThan(quiet.liquidations);
    });
    it("closes every push it opens (no position left behind on the book)", () => {
      const env = new MarketEnv({});
      env.reset(hunted, 11);
      for (;;) if (env.step(HOLD).done) break;
      const h = env.hunter!;
      expect(h.hunts).to.be.greaterThan(0);
      expect(h.stuck).to.equal(0);
      // Its trades are its own: volume of two legs per hunt, excluded from the uninformed figures.
      expect(h.volume).to.be.greaterThan(0);
    });
  });

  describe("on an empty book", () => {
    it("has nothing to hunt", () => {
      const env = new MarketEnv({});
      env.reset(hunted, 11);
      env.hunter!.hunt(hunted.startTime);
      expect(env.hunter!.hunts).to.equal(0);
      expect(env.hunter!.take).to.equal(0);
    });
  });
});
