/**
 * MarketCore's mirror of the issue-13 safety rules (SPEC §3, §5, §6): the oracle TWAP folds the
 * previous answer, the volatility breaker, opens and margin removals need a valid oracle, margin and
 * liquidation on the oracle, the rolling k-decrease and move caps, funding under the rolling cost
 * cap, and bad-debt socialisation with reduce-only.
 */
import { expect } from "chai";
import { MarketCore } from "../../../keeper/sim/marketCore";
import { isRevert, type RevertName, SimRevert } from "../../../keeper/sim/errors";
import type { MarketParams } from "../../../keeper/sim/params";

const T0 = 1_700_006_400; // a day boundary (T0 % 86400 = 0), so the day windows are predictable
const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).to.be.at.most(rel * Math.max(1, Math.abs(a), Math.abs(b)));

function revertOf(fn: () => unknown): SimRevert {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimRevert) return e;
    throw e;
  }
  throw new Error("expected a revert, but the call succeeded");
}
function reverts(fn: () => unknown, name: RevertName): SimRevert {
  const e = revertOf(fn);
  if (!isRevert(e, name)) throw new Error(`expected ${name}, got ${(e as Error).message}`);
  return e;
}

/** x = y = sqrtK = 10_000, peg 2000, oracle 2000; Alice, Bob and Carol funded. */
function newCore(params: Partial<MarketParams> = {}, extra: { budget?: number; reservedShare?: number } = {}): MarketCore {
  const core = new MarketCore({ peg: 2000, sqrtK: 10_000, time: T0, block: 1, oraclePrice: 2000, budget: extra.budget ?? 10_000, reservedShare: extra.reservedShare ?? 0, params });
  for (const a of ["alice", "bob", "carol"]) core.deposit(a, 1_000_000);
  return core;
}
/** Moves the clock by dt and refreshes the oracle answer at `price` (a fresh round). */
function tick(core: MarketCore, dt: number, price = core.state().oracle): void {
  const s = core.state();
  core.advance(s.now + dt, s.block + Math.max(1, Math.round(dt / 12)));
  core.setOracle(price, s.now + dt);
}

describe("sim MarketCore — issue 13 safety rules", () => {
  describe("oracle TWAP and the volatility breaker", () => {
    it("folds the answer that held (attack 6): a 40 % jump after a quiet hour leaves the TWAP at 2000", () => {
      const core = newCore();
      tick(core, 3600, 2800);
      expect(core.observeOracle().oracleTwap).to.equal(2000);
      expect(core.state().lastOraclePrice).to.equal(2800);
      // The hook compares the jump with the folded TWAP: still refused on divergence.
      const e = reverts(() => core.repeg(2010), "Vamm_OracleTwapDivergence");
      expect(e.args).to.deep.equal([4000, 1000]);
      tick(core, 3600);
      expect(core.observeOracle().oracleTwap).to.equal(2800);
    });

    it("refuses opens while the last observation is > oracleBreakerBps from the TWAP; closes go on; the next calm observation clears it", () => {
      const core = newCore();
      core.openPosition("alice", true, 10_000, 2_000, 0);
      tick(core, 600, 1800);
      core.observeOracle();
      expect(core.state().volatilityBreaker).to.equal(true);
      const twap = core.state().oracleTwap;
      const e = reverts(() => core.openPosition("bob", false, 10_000, 2_000, 0), "Vamm_VolatilityBreaker");
      expect(e.args).to.deep.equal([1800, twap, 500]);
      core.closePosition("alice", 0, 0);
      tick(core, 3600);
      core.observeOracle();
      expect(core.state().volatilityBreaker).to.equal(false);
      core.openPosition("bob", false, 10_000, 2_000, 0);
    });
  });

  describe("a bad oracle makes the market reduce-only", () => {
    for (const [what, set, name] of [
      ["stale", (c: MarketCore) => c.setOracle(2000, c.state().now - 3601), "Oracle_StaleAnswer"],
      ["negative", (c: MarketCore) => c.setOracle(-1, c.state().now), "Oracle_NonPositiveAnswer"],
      ["incomplete", (c: MarketCore) => c.setOracle(2000, c.state().now, { incomplete: true }), "Oracle_IncompleteRound"],
    ] as const) {
      it(`${what} answer: opens and margin removals refused with ${name}; closes, margin additions and liquidations work`, () => {
        const core = newCore({ fluctuationLimitBps: 5000 });
        core.openPosition("alice", true, 20_000, 4_000, 0);
        core.openPosition("bob", true, 95_000, 10_000, 0);
        tick(core, 60);
        set(core);
        reverts(() => core.openPosition("carol", true, 1_000, 500, 0), name);
        reverts(() => core.openPosition("alice", true, 1_000, 500, 0), name);
        reverts(() => core.removeMargin("alice", 1), name);
        core.addMargin("alice", 10);
        core.closePosition("alice", 0, 0);
        // Liquidation still works on the last valid answer (the margin price's fallback).
        expect(core.marginPrice()).to.equal(2000);
        reverts(() => core.liquidate("carol", "bob", 0), "CH_NotLiquidatable");
      });
    }
  });

  describe("margin and liquidation on the oracle (attack 2)", () => {
    it("a curve push never makes a healthy position liquidatable; the oracle does", () => {
      const core = newCore({ fluctuationLimitBps: 5000 });
      core.openPosition("alice", true, 100_000, 10_100, 0); // 10×
      tick(core, 12, 1960); // oracle −2 %: ≈ 8 % margin ratio by the oracle
      core.openPosition("bob", false, 900_000, 200_000, 0); // pushes the mark ≈ 9 % down
      const e = reverts(() => core.liquidate("carol", "alice", 0), "CH_NotLiquidatable");
      expect(Number(e.args[0])).to.be.greaterThan(Number(e.args[1]));
      expect(core.marginRatio("alice")).to.be.within(0.075, 0.085);
      tick(core, 12, 1910); // the oracle −4.5 %: under maintenance by the oracle
      expect(core.marginRatio("alice")).to.be.below(0.0625);
      expect(core.liquidate("carol", "alice", 0).fullyClosed).to.equal(true);
    });

    it("removeMargin needs initial margin on both the curve and the oracle value", () => {
      const core = newCore({ fluctuationLimitBps: 5000 });
      core.openPosition("alice", true, 50_000, 10_000, 0);
      tick(core, 60, 1900); // oracle −5 %, curve unchanged
      const e = reverts(() => core.removeMargin("alice", 4_000), "CH_BelowInitialMargin");
      const size = core.getPosition("alice")!.size;
      close(Number(e.args[1]), (size * 1900 * 1000) / 1e4);
    });
  });

  describe("k-decrease and move caps", () => {
    it("bounds maxPegChangeBps by a round trip's fees: maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4", () => {
      // 2·feeBps (20) is refused: a short's close leg pays the fee on q·(1 − s), so 20 bps of transfer beat 19.98 of fees.
      expect(() => newCore({ maxPegChangeBps: 20 })).to.throw(/maxPegChangeBps=20 must be ≤ .*=19 \(feeBps=10\)/);
      expect(newCore({ maxPegChangeBps: 19 }).getParams().maxPegChangeBps).to.equal(19);
      expect(() => newCore({ feeBps: 15, maxPegChangeBps: 30 })).to.throw(/maxPegChangeBps=30 must be ≤ .*=29 \(feeBps=15\)/);
    });

    it("caps the k decreases of a rolling 24 h at maxDailyKDecreaseBps (attack 3)", () => {
      const core = newCore();
      core.openPosition("alice", true, 100_000, 20_000, 0);
      let used = 0;
      let refusal: SimRevert | null = null;
      for (let i = 0; i < 10 && !refusal; i++) {
        tick(core, 12);
        const to = core.state().sqrtK * (1 - 0.02137); // 213.7 bps → 214 counted (ceil)
        try {
          core.updateK(to);
          used += 214;
        } catch (e) {
          refusal = e as SimRevert;
        }
      }
      expect(refusal?.name).to.equal("Vamm_KDecreaseCapExceeded");
      expect(refusal?.args).to.deep.equal([428, 214, 500]);
      expect(used).to.equal(428);
      // The next day window still counts the previous one; two days later the cap is free again.
      tick(core, 86400);
      reverts(() => core.updateK(core.state().sqrtK * (1 - 0.02137)), "Vamm_KDecreaseCapExceeded");
      tick(core, 86400);
      core.updateK(core.state().sqrtK * (1 - 0.02137));
    });

    it("caps the hook moves of the rolling hook window at maxPegChangeBps (attack 1)", () => {
      const core = newCore({ feeBps: 51, maxPegChangeBps: 100 });
      core.openPosition("alice", true, 30_000, 10_000, 0);
      tick(core, 3600, 2200);
      core.observeOracle();
      tick(core, 3600, 2200);
      core.observeOracle();
      tick(core, 12);
      const p0 = core.state().peg;
      core.repeg(p0 * 1.00637); // 63.7 bps → 64
      tick(core, 12);
      const e = reverts(() => core.repeg(core.state().peg * 1.00437), "Vamm_HookMoveCapExceeded");
      expect(e.args).to.deep.equal([64, 44, 100]);
      expect(core.state().move.curBps).to.equal(64);
    });
  });

  describe("repegToward (attack 8: keeper griefing)", () => {
    it("fits the step to what the move cap leaves, and refuses one short of the keeper's minimum", () => {
      const core = newCore({ feeBps: 51, maxPegChangeBps: 100 });
      core.openPosition("alice", true, 30_000, 10_000, 0);
      tick(core, 3600, 2200);
      core.observeOracle();
      tick(core, 3600, 2200);
      core.observeOracle();
      tick(core, 12);
      const p0 = core.state().peg;
      core.repeg(p0 * 1.00637); // 64 bps of the 100
      tick(core, 12);
      const p1 = core.state().peg;
      const target = (2200 * core.state().x) / core.state().y;
      const e = reverts(() => core.repegToward(target, p1 * 1.005), "Vamm_RepegBelowMinimum");
      close(Number(e.args[0]), p1 * 1.0036);
      const ev = core.repegToward(target, p1 * 1.001);
      close(ev.newPeg, p1 * 1.0036);
      expect(core.state().move.curBps).to.equal(100);
    });
  });

  describe("funding under the rolling cost cap (attack 5)", () => {
    it("the AMM's payments over 24 h stay within dailyCostCapBps of the window's budget", () => {
      const core = newCore({ fluctuationLimitBps: 5000 }, { budget: 100_000 });
      core.openPosition("alice", true, 2_000_000, 400_000, 0); // large net long; the AMM is short
      core.openPosition("bob", false, 10_000, 5_000, 0);
      let paid = 0;
      for (let h = 0; h < 24; h++) {
        tick(core, 3600, core.mark() * 1.15); // oracle 15 % above the mark: longs receive, the AMM pays
        paid += core.settleFunding().ammPaid;
      }
      const d = core.state().daily;
      const cap = 0.2 * d.budgetAtWindowStart;
      expect(paid).to.be.greaterThan(0.99 * cap);
      expect(paid).to.be.at.most(cap * (1 + 1e-12));
      close(d.curSpent + d.prevSpent, paid);
    });
  });

  describe("liquidation execution band", () => {
    it("cuts a liquidation to the base that keeps the mark within maxLiquidationSlippageBps of the oracle; none fits: CH_LiquidationBeyondBand", () => {
      const core = newCore({ fluctuationLimitBps: 5000 });
      core.openPosition("alice", true, 2_000_000, 220_000, 0); // a book of ≈ 900 base on a 10,000-base curve
      tick(core, 12, 1700); // oracle −15 %: under maintenance
      core.openPosition("bob", false, 3_800_000, 400_000, 0); // shorts bring the curve down near the oracle
      const ev = core.liquidate("carol", "alice", 0);
      expect(ev.fullyClosed).to.equal(false);
      close(core.mark(), 1700 * 0.95, 1e-9); // stopped exactly at the band's edge
      expect(core.getPosition("alice")!.size).to.be.greaterThan(0);
      const e = reverts(() => core.liquidate("carol", "alice", 0), "CH_LiquidationBeyondBand");
      close(Number(e.args[0]), 1700 * 0.95, 1e-9);
      expect(e.args[1]).to.equal(1700);
    });
  });

  describe("bad-debt isolation", () => {
    it("uncovered bad debt switches the market reduce-only and is charged to the other side", () => {
      const core = newCore({ fluctuationLimitBps: 5000, maxLiquidationSlippageBps: 5000 }, { budget: 0 });
      core.openPosition("alice", true, 100_000, 10_200, 0);
      core.openPosition("bob", false, 40_000, 10_000, 0);
      tick(core, 12, 1500);
      core.openPosition("carol", false, 4_000_000, 500_000, 0); // the curve falls past the oracle (mark ≈ 1280)
      const shortOI = core.state().shortOI;
      const bobSize = -core.getPosition("bob")!.size;
      const ev = core.liquidate("carol", "alice", 0);
      expect(ev.uncovered).to.be.greaterThan(0);
      close(ev.fromReserve + ev.fromBudget + ev.uncovered, ev.badDebt);
      expect(core.state().reduceOnly).to.equal(true);
      expect(core.state().uncoveredBadDebt).to.equal(ev.uncovered);
      // Bob's share of the charge is his share of the short open interest.
      close(core.pendingFunding("bob"), (ev.uncovered * bobSize) / shortOI);
      reverts(() => core.openPosition("bob", false, 1_000, 500, 0), "Vamm_ReduceOnly");
      core.closePosition("bob", 0, 0);
    });
  });
});
