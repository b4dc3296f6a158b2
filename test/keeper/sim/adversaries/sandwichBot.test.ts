import { expect } from "chai";
import { HOLD } from "../../../../keeper/core/policyTypes";
import { MarketEnv } from "../../../../keeper/sim/env";
import { parseScenario, type ScenarioInput } from "../../../../keeper/sim/scenario";

const base: ScenarioInput = {
  name: "sandwich",
  split: "train",
  seed: 3,
  horizonSec: 2 * 86400,
  decisionIntervalSec: 3600,
  oracle: { kind: "gbm", initialPrice: 1000, volPerSqrtDay: 0.06 },
  market: { sqrtK: 200000, budget: 1e7 },
  traders: {
    arrivalRatePerSec: 0.3,
    informedProb: 0.02,
    uninformed: { notionalMedian: 3000, notionalLogSd: 1, holdingMeanSec: 14400, leverage: 5 },
    informed: { capital: 100000, leverage: 5, edgeBps: 80 },
  },
};

/** Two worlds on one seed, identical until the first repeg: one with the bot, one without. */
function twinsAtGap(minGapBps: number) {
  const plain = new MarketEnv({});
  const attacked = new MarketEnv({});
  const sc = parseScenario(base, "test");
  const scBot = parseScenario({ ...base, adversaries: { sandwich: { capital: 200000, leverage: 5 } } }, "test");
  let a = plain.reset(sc, 11);
  let b = attacked.reset(scBot, 11);
  for (let i = 0; i < 40 && Math.abs(a.mark / a.oracle - 1) * 1e4 < minGapBps; i++) {
    a = plain.step(HOLD).obs;
    b = attacked.step(HOLD).obs;
  }
  expect(b).to.deep.equal(a);
  expect(Math.abs(a.mark / a.oracle - 1) * 1e4).to.be.at.least(minGapBps);
  return { plain, attacked, obs: a };
}

describe("sandwich bot (adversary around the keeper's repeg)", () => {
  describe("when the keeper repegs part of the way, across more than two fees", () => {
    it("takes exactly the extra repeg cost the protocol pays, less its two fees", () => {
      const { plain, attacked } = twinsAtGap(60);
      const rp = plain.step({ kind: "repeg", fraction: 0.6 });
      const ra = attacked.step({ kind: "repeg", fraction: 0.6 });
      expect(rp.applied).to.equal(true);
      expect(ra.applied, "the bot never makes the keeper's hook fail").to.equal(true);
      const bot = attacked.sandwich!;
      expect(bot.sandwiches).to.equal(1);
      const extraCost = ra.rewardParts.adjustmentCost - rp.rewardParts.adjustmentCost;
      // Attacker's figures: gross take = the protocol's extra repeg cost q·|P'/P − 1|; net = gross − fees > 0.
      expect(extraCost).to.be.greaterThan(0);
      expect(bot.take).to.be.greaterThan(0);
      expect(bot.take).to.be.closeTo(extraCost - bot.fees, 1e-6 * extraCost);
      expect(bot.stuck).to.equal(0);
    });
  });

  describe("when the keeper repegs all the way to the oracle", () => {
    it("finds no room: any front-run would push the repegged mark past the oracle and revert the hook", () => {
      const { plain, attacked, obs } = twinsAtGap(40);
      expect(Math.abs(obs.mark / obs.oracle - 1) * 1e4).to.be.below(100); // inside one hook's peg bound: not clipped
      const rp = plain.step({ kind: "repeg", fraction: 1 });
      const ra = attacked.step({ kind: "repeg", fraction: 1 });
      expect(ra.applied).to.equal(true);
      expect(attacked.sandwich!.sandwiches).to.equal(0);
      expect(ra.rewardParts.adjustmentCost).to.equal(rp.rewardParts.adjustmentCost);
    });
  });

  describe("when the repeg is too small to pay two fees", () => {
    it("stays out", () => {
      const { attacked } = twinsAtGap(40);
      attacked.step({ kind: "repeg", fraction: 0.01 });
      expect(attacked.sandwich!.sandwiches).to.equal(0);
      expect(attacked.sandwich!.take).to.equal(0);
    });
  });

  describe("episode figures", () => {
    it("reports the take and keeps the bot's trades out of the uninformed figures", async () => {
      const { runEpisode } = await import("../../../../keeper/sim/episode");
      const { FormulaicPolicy } = await import("../../../../keeper/policy/baselines/formulaicPolicy");
      const sc = parseScenario({ ...base, adversaries: { sandwich: { capital: 200000, leverage: 5 } } }, "test");
      const { metrics } = runEpisode(sc, new FormulaicPolicy(), 11, { trace: false });
      expect(metrics.sandwiches).to.be.greaterThan(0);
      expect(metrics.sandwichTake).to.be.greaterThan(0);
    });
  });
});
