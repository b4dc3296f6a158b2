import { expect } from "chai";
import { HOLD } from "../../../../keeper/core/policyTypes";
import { MarketEnv } from "../../../../keeper/sim/env";
import { runEpisode } from "../../../../keeper/sim/episode";
import { FastMarket } from "../../../../keeper/sim/fastMarket";
import { DEFAULT_PARAMS } from "../../../../keeper/sim/params";
import { LiquidationHunter } from "../../../../keeper/sim/adversaries/liquidationHunter";
import { liquidationMark, planHunt } from "../../../../keeper/sim/adversaries/plans";
import { StaticPolicy } from "../../../../keeper/policy/baselines/staticPolicy";
import { parseScenario, type ScenarioInput } from "../../../../keeper/sim/scenario";

// Since issue 13 eligibility is judged on the oracle (SPEC §3), which no trade moves: the hunter's push
// cannot make a position liquidatable. Its sweeps close only positions the oracle already made
// liquidatable (the liquidator's fee any liquidator earns), and its own round trip pays two fees.

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
const T0 = 1_000_000;

/**
 * A 10×-margined long of 1,000,000 whose curve-judged liquidation mark the curve has been pushed to
 * within 1.5 % of (by another trader's shorts, one block each), while the oracle stays at 1000.
 */
function thinLongNearItsCurveLiquidation(): { m: FastMarket; victim: number; size: number } {
  const m = new FastMarket({ params: DEFAULT_PARAMS, peg: 1000, sqrtK: 200_000, budget: 1e7, reservedShare: 0, time: T0, blockTimeSec: 12, oraclePrice: 1000, capacity: 100 });
  m.now = T0;
  m.argQ = 1_000_000;
  m.argMargin = 101_000;
  expect(m.openUninformed(true)).to.equal(true);
  const victim = m.uN - 1;
  const size = m.uSize[victim];
  const liq = liquidationMark(size, m.uNotional[victim], m.uMargin[victim], DEFAULT_PARAMS.mmBps / 1e4);
  for (let block = 1; m.mark() > liq * 1.015 && block < 10; block++) {
    m.now = T0 + 12 * block;
    m.setOracle(1000, m.now);
    const y = Math.sqrt((m.k * Math.max(liq * 1.015, m.mark() * 0.985)) / m.peg);
    m.argQ = (m.y - y) * m.peg;
    m.argMargin = m.argQ;
    expect(m.openUninformed(false)).to.equal(true);
  }
  expect(m.mark() / liq - 1).to.be.within(0.01, 0.0151);
  return { m, victim, size };
}

describe("liquidation hunter (adversary pushing the curve through liquidation prices)", () => {
  describe("a long within the hunter's reach on the curve, healthy on the oracle", () => {
    it("expects a profitable hunt, pushes, forces no liquidation and pays its two fees (attacker's figures)", () => {
      const { m, victim, size } = thinLongNearItsCurveLiquidation();
      const t = m.now + 12;
      m.setOracle(1000, t);
      const hunter = new LiquidationHunter(m, { capital: 1_000_000, leverage: 5 });
      const book = { n: m.uN, size: m.uSize, notional: m.uNotional, margin: m.uMargin };
      const plan = planHunt(m, book, DEFAULT_PARAMS.mmBps / 1e4, (0.999 * DEFAULT_PARAMS.fluctuationLimitBps) / 1e4, DEFAULT_PARAMS.feeBps / 1e4, 1_000_000, 5);
      expect(plan, "on the curve's rule the push would pay").to.not.equal(null);
      expect(plan!.againstLongs).to.equal(true);
      expect(plan!.profit).to.be.greaterThan(0);
      hunter.hunt(t);
      expect([hunter.hunts, hunter.stuck, hunter.liquidations, hunter.liquidatorFees]).to.deep.equal([1, 0, 0, 0]);
      expect(m.uSize[victim], "the long is still open").to.equal(size);
      // The push and buy-back cross the same curve: realised ≈ 0, the take is minus two fees on ≈ the push.
      expect(hunter.realised).to.be.closeTo(0, 1e-6 * plan!.quote);
      expect(hunter.fees).to.be.closeTo(2 * plan!.quote * (DEFAULT_PARAMS.feeBps / 1e4), 1e-6 * plan!.quote);
      expect(hunter.take).to.be.closeTo(-hunter.fees, 1e-6 * plan!.quote);
      expect(hunter.take).to.be.below(0);
    });
  });

  describe("on a book of leveraged positions (two days, volatile oracle)", () => {
    it("forces no extra liquidation; beyond the liquidator's fees of liquidations already due, its take is ≤ 0", () => {
      const quiet = runEpisode(parseScenario(base, "test"), new StaticPolicy(), 11, { trace: false }).metrics;
      const env = new MarketEnv({});
      env.reset(hunted, 11);
      for (;;) if (env.step(HOLD).done) break;
      const h = env.hunter!;
      const attacked = env.market.c;
      expect(quiet.hunts).to.equal(0);
      expect(h.hunts).to.be.greaterThan(0);
      expect(attacked.liquidations, "no more liquidations than without the hunter").to.be.at.most(quiet.liquidations);
      // Its trading: the push/buy-back round trips lose their fees.
      expect(h.realised - h.fees).to.be.below(0);
      expect(h.take - h.liquidatorFees).to.be.at.most(0);
      expect(h.stuck).to.equal(0);
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
