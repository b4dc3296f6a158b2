/**
 * End to end on the in-process Hardhat network: ≥ 20 trader accounts (informed with probability
 * λ_i), liquidators, funding on schedule, the mock oracle following a scenario path, and the real
 * keeper service (MarketJob) ticking on-chain; every op mirrored into MarketCore.
 */
import { expect } from "chai";
import { loadKeeperPolicy } from "../../keeper/service/policy/loadKeeperPolicy";
import { createActionResolver } from "../../keeper/policy/ruleActions";
import { loadPolicyFile } from "../../keeper/policy/policyFile";
import { isTrackingShieldActive } from "../../keeper/policy/actionShield";
import { runChainEpisode, budgetAgrees, type ChainRunResult } from "../../keeper/onchain/runChain";
import { toWad } from "../../keeper/onchain/wad";
import type { StepResult } from "../../keeper/onchain/ops";
import { inProcessEnv, scenario } from "./helpers";
import path from "node:path";

/** A scenario with a deeper adjustment budget, so the daily cost cap (20 % of it) is not what binds. */
function withBudget(rel: string, budget: number) {
  const sc = scenario(rel);
  return { ...sc, market: { ...sc.market, budget } };
}

/** The shipped policy: trained with a tracking shield (beyond its limit of |mark − oracle| only repegs are allowed). */
const SHIPPED = path.resolve(__dirname, "../../policies/default.json");
/** The shield as stored in the shipped file (it is retrained independently, so not hard-coded here). */
const SHIELD = loadPolicyFile(SHIPPED).mdp.trackingShield;

/**
 * Stated tracking bound of the calm run with the shipped policy (gbm-calm, 1 day, keeper every
 * 15 min), sampled every 5 min. Issue 13's sandwich bound (maxPegChangeBps 20, and at most that much
 * hook-induced move over the previous + current hook window of 1 h) caps what the keeper can move:
 * measured mean / p95 |mark − oracle| 156 / 351 bps, after a tick median 123, max 401 bps, with most
 * ticks waiting for the move cap's room (the planner's named skip "move cap: no room left", or an
 * on-chain Vamm_HookMoveCapExceeded when the room changed between read and send) (before issue 13, with 100 bps per call and no window cap:
 * 19.7 / 58.7, after a tick 16.3 / 52.4). Bounds: mean ≤ 200, p95 ≤ 450, after a tick median ≤ 160,
 * max ≤ 500 bps.
 */
const TRACK_MEAN_BPS = 200;
const TRACK_P95_BPS = 450;
const AFTER_TICK_MEDIAN_BPS = 160;
const AFTER_TICK_MAX_BPS = 500;

/** A tick the move cap held back: the planner's named wait for room, or the chain's refusal. */
function heldByMoveCap(skipReason: string | null | undefined): boolean {
  return /move cap: no room left|Vamm_HookMoveCapExceeded/.test(skipReason ?? "");
}

function expectSolventAndMirrored(r: ChainRunResult): void {
  expect(r.parityMismatches, r.parityMismatches.slice(0, 10).join("\n")).to.deep.equal([]);
  // The on-chain budget equals the simulator's for the same seed within 1e-9 relative.
  expect(budgetAgrees(r), `budget chain ${r.budgetEnd} sim ${r.simBudgetEnd}`).to.equal(true);
  // Everything closed and withdrawn: the vault still holds at least reserved share + budget.
  expect(r.vaultBalance + 1e-6).to.be.at.least(r.owedAfterWithdrawals);
  expect(r.vaultBalance + 1e-6).to.be.at.least(r.budgetEnd + r.reservedEnd);
}

describe("e2e: traders and the keeper on-chain", function () {
  this.timeout(300_000);

  it(`with the shipped policy the mark tracks the oracle (mean ≤ ${TRACK_MEAN_BPS} bps, p95 ≤ ${TRACK_P95_BPS} bps; after a tick median ≤ ${AFTER_TICK_MEDIAN_BPS}, max ≤ ${AFTER_TICK_MAX_BPS})`, async () => {
    const env = await inProcessEnv();
    const policy = loadKeeperPolicy(SHIPPED);
    const afterTick: number[] = [];
    const r = await runChainEpisode(
      env,
      {
        scenario: withBudget("scenarios/train/gbm-calm.json", 2_000_000),
        days: 1,
        seed: 3,
        policy,
        arrivalsPerDay: 400,
        decisionIntervalSec: 900,
        onTick: (i) => afterTick.push(Math.abs((i.mark - i.oracle) / i.oracle) * 1e4),
      },
      "calm",
    );
    expect(env.traders.length).to.be.at.least(20);
    expect(afterTick.length).to.equal(96);
    expect(r.trades).to.be.at.least(300);
    expect(r.journal.length, "one journaled decision per tick").to.equal(96);
    expect(r.updatesSent).to.be.at.least(10); // measured 65
    expect(r.keeperHalted).to.equal(false);
    expect(r.journal.every((d) => d.policy === policy.name)).to.equal(true);
    if (SHIELD) {
      // The shield on-chain: every decision that saw the gap beyond the limit chose a repeg, or hold
      // where the exposure guard forbids the repeg; as a repeg circuit breaker, every decision at or
      // inside it chose no repeg.
      const gapOf = (d: (typeof r.journal)[number]) => Math.abs((d.observation.mark - d.observation.oracle) / d.observation.oracle) * 1e4;
      const wide = r.journal.filter((d) => gapOf(d) > SHIELD.gapBps);
      const inside = r.journal.filter((d) => gapOf(d) <= SHIELD.gapBps);
      const forced = wide.filter((d) => isTrackingShieldActive(SHIELD, d.observation));
      for (const d of wide) {
        const expected = forced.includes(d) ? "repeg" : "hold";
        expect(d.action.kind, `decision ${d.id} at a ${d.observation.mark}/${d.observation.oracle} gap`).to.equal(expected);
      }
      if (SHIELD.repegOnlyWhenShielded) {
        expect(inside.length, "ticks inside the limit").to.be.at.least(5);
        for (const d of inside) expect(d.action.kind, `decision ${d.id} inside the limit`).to.not.equal("repeg");
      } else expect(forced.length, "ticks that saw a gap above the shield and repegged").to.be.at.least(5);
    } else {
      // No shield (the rule-action learner): every journaled action is what the rule of the chosen
      // column decides at the journaled observation, on-chain as in the simulator.
      const actions = loadPolicyFile(SHIPPED).mdp.actions;
      expect(actions.every((a) => a.kind === "rule"), "the shipped policy without a shield chooses between rules").to.equal(true);
      const actionsAt = createActionResolver(actions);
      for (const d of r.journal) expect(d.action, `decision ${d.id}`).to.deep.equal(actionsAt(d.observation)[d.actionIndex]);
      expect(new Set(r.journal.map((d) => d.actionIndex)).size, "both rules act in a day").to.equal(2);
    }
    // The sandwich bound is what holds the keeper back: refusals are named, never a halt.
    expect(r.journal.filter((d) => heldByMoveCap(d.skipReason)).length, "ticks held back by the move cap").to.be.at.least(1);
    const sorted = [...afterTick].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).to.be.at.most(AFTER_TICK_MEDIAN_BPS);
    expect(sorted[sorted.length - 1]).to.be.at.most(AFTER_TICK_MAX_BPS);
    expect(r.gapMeanBps).to.be.at.most(TRACK_MEAN_BPS);
    expect(r.gapP95Bps).to.be.at.most(TRACK_P95_BPS);
    expectSolventAndMirrored(r);
  });

  it("runs the shipped policy (policies/default.json) in the loop: every tick journaled, every hook mirrored exactly", async () => {
    const env = await inProcessEnv();
    const policy = loadKeeperPolicy(SHIPPED);
    const r = await runChainEpisode(env, { scenario: scenario("scenarios/train/gbm-calm.json"), days: 0.5, seed: 3, policy, arrivalsPerDay: 400, decisionIntervalSec: 1800 }, "shipped");
    expect(r.journal.length).to.equal(24);
    expect(r.journal.every((d) => d.policy === policy.name)).to.equal(true);
    expect(r.updatesSent, "the shipped policy sends updates").to.be.at.least(1);
    for (const h of r.hooks) expect(Math.abs(h.cost - h.simCost)).to.be.at.most(Math.max(1e-9 * Math.abs(h.cost), 1e-6));
    expect(r.keeperHalted).to.equal(false);
    expectSolventAndMirrored(r);
  });

  it("a −30 % crash trips the breakers, the keeper backs off without halting, then walks the mark down within the move cap", async () => {
    const env = await inProcessEnv();
    const crashAt = 4 * 3600;
    const fluct: StepResult[] = [];
    const gapAfterTick: { t: number; gapBps: number; outcome?: string }[] = [];
    const r = await runChainEpisode(
      env,
      {
        scenario: withBudget("scenarios/train/gbm-calm.json", 5_000_000),
        days: 1,
        seed: 5,
        // The shipped keeper ("default": the policy selected on validation, policies/selection.json —
        // the tuned threshold rule since issue 16): it repegs whenever the gap exceeds its threshold, so
        // once the TWAP has caught up it walks the mark down toward the crashed oracle, since issue 13 at
        // most maxPegChangeBps per rolling hook window (before issue 13 a keeper closed the gap to −7 bps
        // within the day). The learned file (policies/default.json, the calm tests above) holds through
        // most of a crash: the reason it is not shipped (BENCHMARKS, "A learned keeper judged honestly").
        policy: loadKeeperPolicy("default"),
        arrivalsPerDay: 300,
        decisionIntervalSec: 600,
        oracleAt: (t, p) => (t >= crashAt ? p * 0.7 : p),
        onStep: async (t, api) => {
          if (t !== crashAt) return;
          // A short big enough to move the mark ~3 % in one block: the fluctuation limit refuses it.
          const s = api.lockstep.core.state();
          const q = s.y * s.peg * 0.016;
          await api.apply({ kind: "deposit", account: api.traders[0], amount6: BigInt(Math.ceil(q / 5)) * 10n ** 6n });
          fluct.push(await api.apply({ kind: "open", account: api.traders[0], isLong: false, quote: toWad(q), margin: toWad(q / 6), baseLimit: 0n }));
        },
        onTick: (i) => gapAfterTick.push({ t: i.t, gapBps: ((i.mark - i.oracle) / i.oracle) * 1e4, outcome: i.outcome }),
      },
      "crash",
    );
    // Fluctuation limit: refused on-chain and in the mirror alike.
    expect(fluct).to.have.length(1);
    expect(fluct[0].chain).to.include({ ok: false, error: "Vamm_FluctuationLimitExceeded" });
    expect(fluct[0].sim).to.include({ ok: false, error: "Vamm_FluctuationLimitExceeded" });
    const afterCrash = r.journal.filter((d) => (d.blockTimestamp ?? 0) > 0 && d.observation.time >= r.journal[0].observation.time + crashAt);
    // The first decisions after the crash are held back, never sent blind: by the oracle/TWAP divergence
    // breaker (Vamm_OracleTwapDivergence) when the keeper still has move-cap room, else by the planner's
    // named move-cap wait (the threshold keeper used its room before the crash: measured 9 such skips
    // before its first repeg after the crash, 0 divergence refusals).
    const heldBack = afterCrash.filter((d) => d.status === "skipped" && ((d.skipReason ?? "").includes("Vamm_OracleTwapDivergence") || heldByMoveCap(d.skipReason)));
    const firstSent = afterCrash.findIndex((d) => d.status === "confirmed");
    expect(firstSent, "the first repeg after the crash comes after held-back decisions").to.be.greaterThan(0);
    expect(afterCrash.slice(0, firstSent).every((d) => heldBack.includes(d)), "every decision before the first repeg was held back with a named reason").to.equal(true);
    expect(r.keeperHalted, `the job backs off, it does not halt (${r.keeperHaltReason})`).to.equal(false);
    // Recovery: the keeper repegs toward the oracle and the gap shrinks.
    const repegsAfter = afterCrash.filter((d) => d.status === "confirmed" && d.callKind === "repeg");
    expect(repegsAfter.length, "repegs after the TWAP caught up").to.be.at.least(3);
    const atCrash = Math.max(...gapAfterTick.filter((g) => g.t >= crashAt && g.t < crashAt + 3600).map((g) => Math.abs(g.gapBps)));
    const atEnd = Math.abs(gapAfterTick[gapAfterTick.length - 1].gapBps);
    expect(atCrash).to.be.greaterThan(1_000);
    // The gap shrinks by what the move cap allows (≤ 20 bps per rolling hour, measured 439 bps in the day).
    expect(atEnd, `gap at the end ${atEnd} bps vs ${atCrash} bps after the crash`).to.be.below(atCrash - 200);
    expect(afterCrash.filter((d) => heldByMoveCap(d.skipReason)).length, "ticks held back by the move cap").to.be.at.least(10);
    expectSolventAndMirrored(r);
  });
});
