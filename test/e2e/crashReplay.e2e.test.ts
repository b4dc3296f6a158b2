/**
 * Issue 13, crash solvency on-chain: the LUNA-like crash of the simulator's crash family
 * (scenarios/crash/crash-luna.json: −98 % in 63 h, a dead-cat bounce on the way) drives the mock
 * oracle of the real contracts, with ≥ 20 trader accounts (informed and uninformed, 5× leverage),
 * liquidators sweeping every account under maintenance (judged on the oracle), funding on schedule,
 * and every op mirrored into MarketCore. With default parameters the protocol must end with
 * uncovered bad debt 0: whatever bad debt the crash makes is covered by the reserved share and the
 * budget. Figures (run by this test) are in BENCHMARKS.md, "Crash replay".
 */
import { expect } from "chai";
import { runChainEpisode, budgetAgrees, type ChainRunResult } from "../../keeper/onchain/runChain";
import { inProcessEnv, scenario } from "./helpers";

function report(r: ChainRunResult, low: number): string {
  const b = r.badDebt;
  return (
    `      crash-luna on-chain: oracle low ${low.toFixed(2)}, ${r.trades} trades, ${r.liquidations} liquidations, ${r.fundingSettlements} funding settlements; ` +
    `bad debt ${b.total.toFixed(2)} (${b.events} events) = reserve ${b.fromReserve.toFixed(2)} + budget ${b.fromBudget.toFixed(2)} + uncovered ${b.uncovered.toFixed(2)}; ` +
    `budget ${r.budgetStart.toFixed(0)} → ${r.budgetEnd.toFixed(0)}, reserve → ${r.reservedEnd.toFixed(0)}, lowest budget+reserve ${r.minCover.toFixed(0)}`
  );
}

describe("e2e: a LUNA-class crash on-chain (issue 13)", function () {
  this.timeout(600_000);

  it("−98 % in 63 h with traders and liquidators: uncovered bad debt 0, books mirrored, vault solvent", async () => {
    const env = await inProcessEnv();
    const sc = scenario("scenarios/crash/crash-luna.json");
    const r = await runChainEpisode(env, { scenario: sc, days: 4, seed: 1, policy: null, arrivalsPerDay: 240, stepSec: 900 }, "crash-luna");
    const low = Math.min(...r.trace.oracle);
    console.log(report(r, low));
    // The path is the crash: −95 % or worse at its low.
    expect(low / r.trace.oracle[0]).to.be.below(0.05);
    expect(r.trades).to.be.at.least(300);
    expect(r.liquidations, "liquidations in the crash").to.be.at.least(5);
    // Solvency: nothing uncovered, on-chain (events and the market's figure) and in the mirror.
    expect(r.badDebt.uncovered).to.equal(0);
    expect(r.badDebt.uncoveredOfMarket).to.equal(0);
    expect(r.simUncoveredBadDebt).to.equal(0);
    expect(r.badDebt.fromReserve + r.badDebt.fromBudget).to.be.closeTo(r.badDebt.total, 1e-6);
    expect(r.parityMismatches, r.parityMismatches.slice(0, 10).join("\n")).to.deep.equal([]);
    expect(budgetAgrees(r), `budget chain ${r.budgetEnd} sim ${r.simBudgetEnd}`).to.equal(true);
    expect(r.vaultBalance + 1e-6).to.be.at.least(r.owedAfterWithdrawals);
  });

  it("−90 % in four jumps: liquidations on the oracle, uncovered bad debt 0, books mirrored", async () => {
    const env = await inProcessEnv();
    const sc = scenario("scenarios/crash/crash-steps.json");
    const r = await runChainEpisode(env, { scenario: sc, days: 4.5, seed: 1, policy: null, arrivalsPerDay: 240, stepSec: 900 }, "crash-steps");
    const low = Math.min(...r.trace.oracle);
    console.log(report(r, low).replace("crash-luna", "crash-steps"));
    expect(low / r.trace.oracle[0]).to.be.below(0.15);
    expect(r.liquidations, "liquidations at the jumps").to.be.at.least(5);
    expect(r.badDebt.uncovered).to.equal(0);
    expect(r.badDebt.uncoveredOfMarket).to.equal(0);
    expect(r.simUncoveredBadDebt).to.equal(0);
    expect(r.badDebt.fromReserve + r.badDebt.fromBudget).to.be.closeTo(r.badDebt.total, 1e-6);
    expect(r.parityMismatches, r.parityMismatches.slice(0, 10).join("\n")).to.deep.equal([]);
    expect(budgetAgrees(r), `budget chain ${r.budgetEnd} sim ${r.simBudgetEnd}`).to.equal(true);
    expect(r.vaultBalance + 1e-6).to.be.at.least(r.owedAfterWithdrawals);
  });
});
