import { expect } from "chai";
import { MarketEnv } from "../../../keeper/sim/env";
import { runEpisode } from "../../../keeper/sim/episode";
import { scriptedPolicy } from "../../../keeper/sim/simplePolicies";
import { leastSquares, volumeRegression } from "../../../keeper/sim/regression";
import { HOLD } from "../../../keeper/core/policyTypes";
import { planHookCall } from "../../../keeper/core/hookPlanner";
import type { Action } from "../../../keeper/core/policyTypes";
import { planInputFromMarket, wadToFloat } from "../../../keeper/sim/planInput";
import { testScenario } from "./fixtures";
import { revenuePartsOf } from "../../../keeper/sim/metrics";

describe("sim MarketEnv and runEpisode", () => {
  it("steps one decision interval and reports what it did: net revenue, tracking and drawdown", () => {
    const env = new MarketEnv();
    const s = testScenario({ oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0.02, volPerSqrtDay: 0.03 } });
    const o0 = env.reset(s);
    expect(o0.mark).to.equal(2000);
    expect(o0.sinceLastUpdate).to.equal(Infinity);
    const r = env.step({ kind: "repeg", fraction: 1 });
    expect(r.obs.time).to.equal(o0.time + 3600);
    const p = r.rewardParts;
    expect(p.trackingBps).to.be.at.least(0);
    expect(p.drawdownIncrease).to.be.at.least(0);
    expect(p.feeInflow).to.be.greaterThan(0);
    expect(r.events).to.be.greaterThan(0);
    let done = r.done;
    let steps = 1;
    while (!done) {
      done = env.step(HOLD).done;
      steps++;
    }
    expect(steps).to.equal(24);
    expect(() => env.step(HOLD)).to.throw(/after done/);
  });

  it("passes actions through the guard rails: refusals carry the Solidity error name", () => {
    const env = new MarketEnv();
    // Daily cap 0: a k increase with a net position costs and must be refused; a k decrease earns.
    const s = testScenario({ market: { sqrtK: 150_000, budget: 0, reservedShare: 0, params: { dailyCostCapBps: 0 } } }, { informedProb: 0 });
    env.reset(s);
    env.step(HOLD);
    const up = env.step({ kind: "kUp", stepBps: 100 });
    expect(up.applied).to.equal(false);
    expect(up.refusedReason).to.equal("Vamm_DailyCostCapExceeded");
    expect(up.rewardParts.gasCost).to.equal(0);
    const down = env.step({ kind: "kDown", stepBps: 500 });
    expect(down.applied).to.equal(true);
    expect(down.target).to.be.closeTo(150_000 * (1 - 0.022), 1e-6);
    expect(down.rewardParts.adjustmentCost).to.be.at.most(0);
    expect(down.rewardParts.gasCost).to.equal(s.reward.gasPerUpdate);
    // At the start the mark equals the oracle: the planner (as the keeper's) makes no call.
    const env2 = new MarketEnv();
    env2.reset(testScenario({}, { informedProb: 0 }));
    const rp = env2.step({ kind: "repeg", fraction: 1 });
    expect(rp.applied).to.equal(false);
    expect(rp.refusedReason).to.equal(undefined);
    expect(rp.noCall).to.equal("at-oracle");
  });

  it("sends exactly the one planner's call for each action (or its named reason), as the keeper would", () => {
    const env = new MarketEnv();
    env.reset(testScenario({ horizonSec: 86400, decisionIntervalSec: 600, oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0.05, volPerSqrtDay: 0.08 } }));
    const actions: Action[] = [HOLD, { kind: "repeg", fraction: 1 }, { kind: "repeg", fraction: 0.5 }, { kind: "kUp", stepBps: 50 }, { kind: "kDown", stepBps: 100 }];
    const seen = { calls: 0, noCalls: 0 };
    for (let i = 0; ; i++) {
      const a = actions[i % actions.length];
      const plan = planHookCall(a, planInputFromMarket(env.market, env.time));
      const r = env.step(a);
      if ("call" in plan) {
        expect(r.target, `step ${i}`).to.equal(wadToFloat(plan.call.target));
        expect(r.noCall).to.equal(undefined);
        seen.calls++;
      } else {
        expect(r.noCall, `step ${i}`).to.equal(plan.reason);
        expect(r.applied).to.equal(false);
        expect(Number.isNaN(r.target)).to.equal(true);
        seen.noCalls++;
      }
      if (r.done) break;
    }
    expect(seen.calls).to.be.greaterThan(20);
    expect(seen.noCalls).to.be.greaterThan(20);
  });

  it("refuses a malformed action with a clear error (the planner's invalid-action)", () => {
    const env = new MarketEnv();
    env.reset(testScenario());
    expect(() => env.step({ kind: "repeg", fraction: 1.5 })).to.throw(/MarketEnv.step: invalid repeg fraction 1.5/);
    expect(() => env.step({ kind: "kUp" })).to.throw(/MarketEnv.step: invalid k step undefined/);
  });

  it("runEpisode returns DESIGN §9 metrics and a trace of at most 2000 points with update markers", () => {
    const s = testScenario({ horizonSec: 3 * 86400, decisionIntervalSec: 60, oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0.05, volPerSqrtDay: 0.03 } });
    const { metrics, trace } = runEpisode(s, scriptedPolicy([{ kind: "repeg", fraction: 1 }, HOLD, HOLD, HOLD, HOLD]));
    expect(metrics.steps).to.equal(4320);
    expect(trace.time.length).to.be.at.most(2000);
    expect(trace.rewardParts.feeInflow.length).to.equal(trace.time.length);
    expect(metrics.updates).to.be.greaterThan(0);
    expect(trace.markers.length).to.be.greaterThan(0).and.at.most(2000);
    expect(metrics.gasSpent).to.equal(metrics.updates * s.reward.gasPerUpdate);
    for (const k of ["protocolNetRevenue", "meanGapBps", "p95GapBps", "informedProfit", "uninformedLoss", "volume", "worstBudgetDrawdown"] as const) {
      expect(Number.isFinite(metrics[k]), k).to.equal(true);
    }
    expect(metrics.p95GapBps).to.be.at.least(0);
    const feeSum = trace.rewardParts.feeInflow.reduce((a, b) => a + b, 0);
    expect(feeSum).to.be.closeTo(metrics.feesToBudget, 1e-6 * metrics.feesToBudget);
  });

  it("the steps' net revenue and drawdown increases sum to the episode's protocol net revenue and worst drawdown (one definition)", () => {
    const s = testScenario({ horizonSec: 2 * 86400, oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: -0.05, volPerSqrtDay: 0.05 } });
    const policy = scriptedPolicy([{ kind: "repeg", fraction: 1 }, { kind: "kUp", stepBps: 100 }, HOLD, { kind: "kDown", stepBps: 100 }]);
    const { metrics, trace } = runEpisode(s, policy);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(trace.rewardParts.netRevenue)).to.be.closeTo(metrics.protocolNetRevenue, 1e-6 * Math.abs(metrics.protocolNetRevenue) + 1e-6);
    expect(sum(trace.netRevenue)).to.be.closeTo(metrics.protocolNetRevenue, 1e-6 * Math.abs(metrics.protocolNetRevenue) + 1e-6);
    expect(sum(trace.rewardParts.drawdownIncrease)).to.be.closeTo(metrics.worstBudgetDrawdown, 1e-6 * metrics.worstBudgetDrawdown + 1e-9);
    expect(metrics.updates).to.be.greaterThan(0);
  });

  it("splits net revenue into fees, liquidation fees kept, net funding, hook PnL and bad debt that add up to it", () => {
    const s = testScenario({ horizonSec: 2 * 86400, oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: -0.05, volPerSqrtDay: 0.05 } });
    const policy = scriptedPolicy([{ kind: "repeg", fraction: 1 }, { kind: "kUp", stepBps: 100 }, HOLD, { kind: "kDown", stepBps: 100 }]);
    const { metrics } = runEpisode(s, policy);
    const p = revenuePartsOf(metrics);
    expect(p.fees).to.be.greaterThan(0);
    expect(p.hookPnl).to.not.equal(0);
    expect(p.hookPnl).to.equal(-metrics.adjustmentCost);
    const total = p.fees + p.liquidationFeesKept + p.netFunding + p.hookPnl + p.badDebt;
    expect(total).to.be.closeTo(metrics.protocolNetRevenue, 1e-9 * Math.abs(metrics.protocolNetRevenue) + 1e-9);
  });

  it("reports the guard rails' room in the observation: a k decrease uses the k-decrease cap, a repeg the move cap", () => {
    const env = new MarketEnv();
    const s = testScenario({ oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0.5, volPerSqrtDay: 0.01 } });
    const o0 = env.reset(s);
    const p = env.market.params;
    expect(o0.hookRoom).to.deep.equal({ moveBps: p.maxPegChangeBps, kDecreaseBps: p.maxDailyKDecreaseBps });
    const down = env.step({ kind: "kDown", stepBps: 100 });
    expect(down.applied).to.equal(true);
    expect(down.obs.hookRoom!.kDecreaseBps).to.equal(p.maxDailyKDecreaseBps - 100);
  });

  describe("seed 002 volume regression", () => {
    it("least squares recovers known coefficients", () => {
      const X = [];
      const y = [];
      for (let i = 0; i < 20; i++) {
        X.push([1, i, (i * 7) % 5]);
        y.push(3 + 2 * i - 0.5 * ((i * 7) % 5));
      }
      const f = leastSquares(X, y);
      f.coefficients.forEach((c, i) => expect(c).to.be.closeTo([3, 2, -0.5][i], 1e-9));
      expect(f.r2).to.be.closeTo(1, 1e-12);
    });
    it("finds β2 > 0 on simulated runs: a deeper curve draws more volume", () => {
      const base = testScenario();
      const r = volumeRegression({ base, prices: [1000, 2000], depthMultipliers: [0.5, 1, 2], seeds: [1, 2], horizonSec: 6 * 3600 });
      expect(r.linearK.coefficients[2]).to.be.greaterThan(0);
      expect(r.linearK.r2).to.be.greaterThan(0.8);
    });
  });
});
