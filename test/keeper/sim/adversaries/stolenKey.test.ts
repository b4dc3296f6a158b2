import { expect } from "chai";
import { MarketEnv } from "../../../../keeper/sim/env";
import { runEpisode } from "../../../../keeper/sim/episode";
import { StaticPolicy } from "../../../../keeper/policy/baselines/staticPolicy";
import { parseScenario, type ScenarioInput } from "../../../../keeper/sim/scenario";

const base: ScenarioInput = {
  name: "stolen-key",
  split: "train",
  seed: 3,
  horizonSec: 86400,
  decisionIntervalSec: 3600,
  oracle: { kind: "gbm", initialPrice: 1000, volPerSqrtDay: 0.05 },
  market: { sqrtK: 200000, budget: 1e6 },
  traders: {
    arrivalRatePerSec: 0.3,
    informedProb: 0.05,
    uninformed: { notionalMedian: 3000, notionalLogSd: 1, holdingMeanSec: 14400, leverage: 8 },
    informed: { capital: 100000, leverage: 5, edgeBps: 20 },
  },
};
const stolen = parseScenario({ ...base, adversaries: { stolenKey: true } }, "test");

/** The thief's market a minute in, with one uninformed long of 50,000 open (a net long to repeg against). */
function netLongMarket() {
  const env = new MarketEnv({});
  env.reset(stolen, 11);
  const m = env.market;
  const t = stolen.startTime + 60;
  m.now = t;
  m.argQ = 50_000;
  m.argMargin = 10_000;
  expect(m.openUninformed(true)).to.equal(true);
  return { env, m, t };
}

describe("stolen keeper key (scenario option: the most harmful hook call per oracle tick)", () => {
  describe("over a day of trading, paired with the same seed without the thief", () => {
    it("thins the curve, costs the protocol revenue, and reports its figures", () => {
      const quiet = runEpisode(parseScenario(base, "test"), new StaticPolicy(), 11, { trace: false }).metrics;
      const attacked = runEpisode(stolen, new StaticPolicy(), 11, { trace: false }).metrics;
      expect(quiet.stolenKeyCalls).to.equal(0);
      expect(quiet.stolenKeySpent).to.equal(0);
      expect(attacked.stolenKeyCalls).to.be.greaterThan(0);
      expect(attacked.stolenKeyDepthCut).to.be.greaterThan(0);
      expect(attacked.finalSqrtK).to.be.lessThan(base.market.sqrtK);
      expect(attacked.protocolNetRevenue).to.be.lessThan(quiet.protocolNetRevenue);
    });
  });

  describe("on an empty book at the oracle", () => {
    it("shrinks k by the per-call maximum (no repeg is due, so none can spend)", () => {
      const env = new MarketEnv({});
      env.reset(stolen, 11);
      const m = env.market;
      const k0 = m.sqrtK;
      env.thief!.act(stolen.startTime + 60);
      expect(env.thief!.kDecreases).to.equal(1);
      expect(env.thief!.repegs).to.equal(0);
      expect(m.sqrtK).to.be.closeTo((k0 * (1e4 - m.params.maxKDecreaseBps)) / 1e4, k0 * 1e-6);
      expect(env.thief!.spent).to.equal(0);
    });
  });

  describe("with a net long and the oracle above the mark", () => {
    it("repegs toward the oracle by the per-call maximum, paid from the budget", () => {
      const { env, m, t } = netLongMarket();
      m.setOracle(m.mark() * 1.05, t);
      const peg0 = m.peg;
      const budget0 = m.budget;
      env.thief!.act(t + 12);
      expect(env.thief!.repegs).to.equal(1);
      expect(m.peg / peg0 - 1).to.be.closeTo(m.params.maxPegChangeBps / 1e4, 1e-6);
      expect(env.thief!.spent).to.be.greaterThan(0);
      expect(budget0 - m.budget).to.be.closeTo(env.thief!.spent, 1e-6 * env.thief!.spent);
    });
  });

  describe("with a net long, the oracle just below the mark and the mark TWAP well below the oracle", () => {
    it("repegs up on the reference (away from the oracle on the spot mark), paid from the budget, by the per-call maximum only", () => {
      const { env, m, t } = netLongMarket();
      const mark0 = m.mark();
      m.setOracle(mark0 * 0.999, t);
      // The TWAP as if the mark had sat 2 % lower for the last hour (the state a crash or a push leaves).
      m.markTwap = mark0 * 0.98;
      m.markTwapTs = t;
      const peg0 = m.peg;
      const budget0 = m.budget;
      env.thief!.act(t + 12);
      expect(env.thief!.repegs).to.equal(1);
      expect(m.peg / peg0 - 1).to.be.closeTo(m.params.maxPegChangeBps / 1e4, 1e-6);
      expect(m.mark() - m.oracle).to.be.greaterThan(mark0 - m.oracle); // the spot mark moved away
      expect(env.thief!.spent).to.be.greaterThan(0);
      expect(budget0 - m.budget).to.be.closeTo(env.thief!.spent, 1e-6 * env.thief!.spent);
    });
  });
});
