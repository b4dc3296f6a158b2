import { expect } from "chai";
import { HOLD } from "../../../../keeper/core/policyTypes";
import { MarketEnv } from "../../../../keeper/sim/env";
import { FastMarket } from "../../../../keeper/sim/fastMarket";
import { DEFAULT_PARAMS, makeParams, type MarketParams } from "../../../../keeper/sim/params";
import { SandwichBot } from "../../../../keeper/sim/adversaries/sandwichBot";
import { planSandwich } from "../../../../keeper/sim/adversaries/plans";
import { parseScenario, type ScenarioInput } from "../../../../keeper/sim/scenario";

// Under SPEC §6's sandwich bound (maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4) no repeg step the guards
// allow pays a round trip's fees, so the bot never trades a valid market. One market per case, the
// oracle 3 % off the mark (room for the bot's whole front-run), the bot's capital 200,000 at 5×: q = 1,000,000.

const T0 = 1_000_000;
const Q = 1_000_000;
const BOT = { capital: 200_000, leverage: 5 };

/**
 * A market with no open position (so a repeg costs the protocol only what the bot's front-run adds)
 * and the oracle 3 % below (down) or above the mark. `params` go in unvalidated, so a case can
 * build the market under the bound this fix replaced (maxPegChangeBps = 2·feeBps).
 */
function marketWithOracle(down: boolean, params: MarketParams = DEFAULT_PARAMS): FastMarket {
  const m = new FastMarket({ params, peg: 1000, sqrtK: 200_000, budget: 1e7, reservedShare: 0, time: T0, blockTimeSec: 12, oraclePrice: 1000, capacity: 100 });
  m.setOracle(down ? 970 : 1030, T0 + 12);
  return m;
}

/** The keeper's repeg by `stepBps` toward the oracle, with `bot` (if any) around it, as env.ts runs it. */
function sandwichedRepeg(m: FastMarket, stepBps: number, down: boolean, bot: SandwichBot | null): { cost: number; applied: boolean } {
  const t = T0 + 12;
  const newPeg = m.peg * (1 + ((down ? -1 : 1) * stepBps * (1 - 1e-9)) / 1e4);
  const front = bot?.front(newPeg, t) ?? null;
  const r = m.repeg(newPeg, t);
  bot?.back(front, t);
  return { cost: r.cost, applied: r.refusal === null };
}

describe("sandwich bot (adversary around the keeper's repeg)", () => {
  describe("under the default bound (feeBps 10, maxPegChangeBps 19)", () => {
    it("finds no profitable sandwich at any step the move cap allows, on either side", () => {
      const fee = DEFAULT_PARAMS.feeBps / 1e4;
      expect(DEFAULT_PARAMS.maxPegChangeBps).to.equal(19);
      for (const down of [true, false]) {
        const m = marketWithOracle(down);
        for (let bps = 1; bps <= DEFAULT_PARAMS.maxPegChangeBps; bps++) {
          const newPeg = m.peg * (1 + ((down ? -1 : 1) * bps) / 1e4);
          expect(planSandwich(m, newPeg, fee, BOT.capital, BOT.leverage), `${down ? "down" : "up"} ${bps} bps`).to.equal(null);
        }
      }
    });

    it("stays out of the largest repeg down, and the protocol pays nothing extra", () => {
      const m = marketWithOracle(true);
      const bot = new SandwichBot(m, BOT);
      const r = sandwichedRepeg(m, DEFAULT_PARAMS.maxPegChangeBps, true, bot);
      expect(r.applied).to.equal(true);
      expect([bot.sandwiches, bot.take, r.cost]).to.deep.equal([0, 0, 0]);
    });

    it("forced to trade the largest repeg down as a short, loses q·(2·fee − s·(1 + fee)) = 98.10 of its 1,998.10 of fees", () => {
      const m = marketWithOracle(true);
      const bot = new SandwichBot(m, { ...BOT, ignoreFees: true });
      const r = sandwichedRepeg(m, 19, true, bot);
      expect(r.applied, "the front-run leaves the hook valid").to.equal(true);
      expect([bot.sandwiches, bot.book.stuck]).to.deep.equal([1, 0]);
      // Attacker's figures: the transfer is the protocol's repeg cost q·s = 1,900; fees 0.1 % of 1,000,000 and of 998,100.
      expect(r.cost).to.be.closeTo(1900, 0.01);
      expect(bot.book.fees).to.be.closeTo(1998.1, 0.01);
      expect(bot.take).to.be.closeTo(r.cost - bot.book.fees, 1e-6);
      expect(bot.take).to.be.closeTo(-98.1, 0.01);
      expect(bot.take).to.be.below(0);
    });

    it("forced to trade the largest repeg up as a long, loses more: its close pays the fee on q·(1 + s)", () => {
      const m = marketWithOracle(false);
      const bot = new SandwichBot(m, { ...BOT, ignoreFees: true });
      const r = sandwichedRepeg(m, 19, false, bot);
      expect(r.applied).to.equal(true);
      expect(bot.sandwiches).to.equal(1);
      expect(r.cost).to.be.closeTo(1900, 0.01);
      expect(bot.book.fees).to.be.closeTo(2001.9, 0.01);
      expect(bot.take).to.be.closeTo(-101.9, 0.01);
    });
  });

  describe("under the bound this fix replaced (maxPegChangeBps = 2·feeBps = 20, refused by validation)", () => {
    it("shorts the largest repeg down and takes q·(s·(1 + fee) − 2·fee) = +2.00 out of the protocol", () => {
      const old: MarketParams = { ...DEFAULT_PARAMS, maxPegChangeBps: 20 };
      expect(() => makeParams({ maxPegChangeBps: 20 })).to.throw(/maxPegChangeBps=20 must be ≤/);
      const m = marketWithOracle(true, old);
      const bot = new SandwichBot(m, BOT);
      const r = sandwichedRepeg(m, 20, true, bot);
      expect(r.applied).to.equal(true);
      expect([bot.sandwiches, bot.book.stuck]).to.deep.equal([1, 0]);
      expect(r.cost).to.be.closeTo(2000, 0.01);
      expect(bot.book.fees).to.be.closeTo(1998, 0.01);
      expect(bot.take).to.be.closeTo(r.cost - bot.book.fees, 1e-6);
      expect(bot.take).to.be.closeTo(2, 0.01);
    });
  });

  describe("in an episode (the keeper repegs every hour under the default rules)", () => {
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

    it("never trades and takes 0, while the keeper's repegs go through as without it", async () => {
      const { runEpisode } = await import("../../../../keeper/sim/episode");
      const { FormulaicPolicy } = await import("../../../../keeper/policy/baselines/formulaicPolicy");
      const plain = runEpisode(parseScenario(base, "test"), new FormulaicPolicy(), 11, { trace: false }).metrics;
      const sc = parseScenario({ ...base, adversaries: { sandwich: BOT } }, "test");
      const { metrics } = runEpisode(sc, new FormulaicPolicy(), 11, { trace: false });
      expect(metrics.sandwiches).to.equal(0);
      expect(metrics.sandwichTake).to.equal(0);
      // The bot did nothing, so the attacked episode is the plain one.
      expect(metrics).to.deep.equal({ ...plain, sandwiches: 0, sandwichTake: 0 });
    });

    it("sees the repegs a gap wider than the cap produces, clipped to the cap, and stays out of each", () => {
      const env = new MarketEnv({});
      let obs = env.reset(parseScenario({ ...base, adversaries: { sandwich: BOT } }, "test"), 11);
      for (let i = 0; i < 40 && Math.abs(obs.mark / obs.oracle - 1) * 1e4 < 60; i++) obs = env.step(HOLD).obs;
      expect(Math.abs(obs.mark / obs.oracle - 1) * 1e4).to.be.at.least(60);
      const r = env.step({ kind: "repeg", fraction: 1 });
      expect(r.applied).to.equal(true);
      expect([env.sandwich!.sandwiches, env.sandwich!.take]).to.deep.equal([0, 0]);
    });
  });
});
