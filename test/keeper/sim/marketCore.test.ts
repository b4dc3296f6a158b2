import { expect } from "chai";
import { MarketCore } from "../../../keeper/sim/marketCore";
import { isRevert, type RevertName } from "../../../keeper/sim/errors";
import type { MarketParams } from "../../../keeper/sim/params";
import { MAX_POSITION_SIZE } from "../../../keeper/sim/storageGrid";

const T0 = 1_700_000_000;
const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).to.be.at.most(rel * Math.max(1, Math.abs(a), Math.abs(b)));

function reverts(fn: () => unknown, name: RevertName): void {
  try {
    fn();
  } catch (e) {
    if (isRevert(e, name)) return;
    throw new Error(`expected ${name}, got ${(e as Error).name}: ${(e as Error).message}`);
  }
  throw new Error(`expected ${name}, but the call succeeded`);
}

/** x = y = sqrtK = 10_000, peg 2000 (mark 2000), oracle 2000, budget 10_000; Alice and Bob funded. */
function newCore(params: Partial<MarketParams> = {}, extra: { budget?: number } = {}): MarketCore {
  const core = new MarketCore({ peg: 2000, sqrtK: 10_000, time: T0, block: 1, oraclePrice: 2000, budget: extra.budget ?? 10_000, reservedShare: 0, params });
  core.deposit("alice", 1_000_000);
  core.deposit("bob", 1_000_000);
  return core;
}

let block = 1;
function next(core: MarketCore, dt = 12): void {
  const s = core.state();
  block = s.block + 1;
  core.advance(s.now + dt, block);
}

describe("sim MarketCore (exact per-trader core)", () => {
  describe("vault", () => {
    it("withdraws free collateral only", () => {
      const core = newCore();
      core.withdraw("alice", 400_000);
      expect(core.freeCollateral("alice")).to.equal(600_000);
      reverts(() => core.withdraw("alice", 700_000), "CH_InsufficientCollateral");
      reverts(() => core.deposit("alice", 0), "CH_ZeroAmount");
    });
  });

  describe("trading on the curve", () => {
    it("opens a long: curve base, fee from margin, split budget/reserve, OI", () => {
      const core = newCore();
      const ev = core.openPosition("alice", true, 100_000, 20_000, 0);
      const base = 10_000 - 1e8 / 10_050;
      close(ev.baseDelta, base);
      expect(ev.quoteDelta).to.equal(100_000);
      close(ev.fee, 100);
      close(ev.newMargin, 19_900);
      expect(core.freeCollateral("alice")).to.equal(980_000);
      const s = core.state();
      close(s.budget, 10_050);
      close(s.reservedShare, 50);
      close(s.longOI, base);
      close(s.mark, (10_050 * 2000) / (1e8 / 10_050));
    });

    it("closes fully: margin + pnl − fee back to free collateral, reserves restored", () => {
      const core = newCore();
      core.openPosition("alice", true, 100_000, 20_000, 0);
      next(core);
      const ev = core.closePosition("alice", 0, 0);
      close(-ev.quoteDelta, 100_000);
      close(ev.realisedPnl, 0, 1e-9);
      close(ev.marginReturned, 19_900 - 100);
      expect(core.getPosition("alice")).to.equal(undefined);
      const s = core.state();
      close(s.x, 10_000, 1e-12);
      close(s.y, 10_000, 1e-12);
      expect(s.longOI).to.equal(0);
    });

    it("reduces with an opposite trade smaller than the close value, reverses with a larger one", () => {
      const core = newCore();
      const open = core.openPosition("alice", true, 100_000, 30_000, 0);
      next(core);
      const red = core.openPosition("alice", false, 40_000, 0, 0);
      expect(red.newSize).to.be.greaterThan(0).and.lessThan(open.newSize);
      close(-red.quoteDelta, 40_000, 1e-9);
      next(core);
      const rev = core.openPosition("alice", false, 100_000, 0, 0);
      expect(rev.newSize).to.be.lessThan(0);
      const s = core.state();
      expect(s.longOI).to.equal(0);
      close(s.shortOI, -rev.newSize);
    });

    it("reverts below initial margin and restores every touched balance", () => {
      const core = newCore();
      const before = core.state();
      reverts(() => core.openPosition("alice", true, 100_000, 10_000, 0), "CH_BelowInitialMargin");
      expect(core.freeCollateral("alice")).to.equal(1_000_000);
      expect(core.getPosition("alice")).to.equal(undefined);
      expect(core.state()).to.deep.equal(before);
    });

    it("enforces baseLimit (min base received) and quoteLimit (min quote out)", () => {
      const core = newCore();
      reverts(() => core.openPosition("alice", true, 100_000, 20_000, 50), "CH_BaseLimitExceeded");
      core.openPosition("alice", true, 100_000, 20_000, 49);
      next(core);
      reverts(() => core.closePosition("alice", 0, 100_001), "CH_QuoteLimitExceeded");
    });

    it("reverts after the deadline and for sizes beyond the position", () => {
      const core = newCore();
      reverts(() => core.openPosition("alice", true, 100_000, 20_000, 0, T0 - 1), "CH_DeadlinePassed");
      core.openPosition("alice", true, 100_000, 20_000, 0);
      reverts(() => core.closePosition("alice", 100, 0), "CH_SizeExceedsPosition");
      reverts(() => core.closePosition("bob", 0, 0), "CH_NoPosition");
    });

    it("margin: add, remove within IM, refuse removal below IM", () => {
      const core = newCore();
      core.openPosition("alice", true, 100_000, 20_000, 0);
      core.addMargin("alice", 5_000);
      close(core.getPosition("alice")!.margin, 24_900);
      core.removeMargin("alice", 10_000);
      reverts(() => core.removeMargin("alice", 6_000), "CH_BelowInitialMargin");
      reverts(() => core.removeMargin("alice", 20_000), "CH_NegativeMargin");
    });
  });

  describe("storage grid of a position (SPEC §8, as ClearingHouse._roundForStorage / _store)", () => {
    it("stores the margin rounded down and the open notional against the trader, to 1e-6", () => {
      const core = newCore();
      // Fee 100.0000001234: margin 19_899.9999998766 → 19_899.999999 (down); notional 100_000.0001234 → up / down.
      const q = 100_000.0001234;
      core.openPosition("alice", true, q, 20_000, 0);
      core.openPosition("bob", false, q, 20_000, 0);
      const a = core.getPosition("alice")!;
      const b = core.getPosition("bob")!;
      expect(a.openNotional).to.equal(100_000.000124);
      expect(b.openNotional).to.equal(100_000.000123);
      expect(a.margin).to.equal(19_899.999999);
      expect(b.margin).to.equal(19_899.999999);
    });

    it("a value already on the grid is kept (re-storing is idempotent despite float noise)", () => {
      const core = newCore();
      core.openPosition("alice", true, 100_000, 20_000, 0);
      const m0 = core.getPosition("alice")!.margin;
      expect(m0).to.equal(19_900);
      core.addMargin("alice", 0.1);
      // 19_900.1 + 0.1 = 19_900.199999999997 in float64: a plain floor would lose a whole 1e-6.
      expect(Math.floor((19_900.1 + 0.1) * 1e6)).to.equal(19_900_199_999);
      core.addMargin("alice", 0.1);
      expect(core.getPosition("alice")!.margin).to.equal(19_900.2);
    });

    it("refuses a size beyond int96 with CH_PositionTooLarge(size, (2^95 − 1)/1e18)", () => {
      expect(MAX_POSITION_SIZE).to.be.closeTo(39_614_081_257.132, 1e-3);
      // Mark 1e-6 on 7e10 base of depth, limits relaxed: ~1.2e5 quote buys more than 3.96e10 base.
      const core = new MarketCore({ peg: 1e-6, sqrtK: 7e10, time: T0, block: 1, oraclePrice: 1e-6, params: { fluctuationLimitBps: 5000, maxOpenInterest: 7e10 } });
      core.deposit("alice", 1e6);
      try {
        for (let i = 0; i < 10; i++) {
          next(core);
          const s = core.state();
          core.openPosition("alice", true, 0.17 * s.y * s.peg, 0.2 * 0.17 * s.y * s.peg, 0);
        }
        expect.fail("no step reverted");
      } catch (e) {
        if (!isRevert(e, "CH_PositionTooLarge")) throw e;
        expect(e.args[0]).to.be.above(MAX_POSITION_SIZE);
        expect(e.args[1]).to.equal(MAX_POSITION_SIZE);
        expect(core.getPosition("alice")!.size).to.be.at.most(MAX_POSITION_SIZE);
      }
    });
  });

  describe("guard rails on trades", () => {
    it("reduce-only refuses increases but lets positions close", () => {
      const core = newCore();
      core.openPosition("alice", true, 50_000, 10_000, 0);
      core.setReduceOnly(true);
      next(core);
      reverts(() => core.openPosition("bob", false, 10_000, 5_000, 0), "Vamm_ReduceOnly");
      core.closePosition("alice", 0, 0);
    });

    it("caps open interest after an increase", () => {
      const core = newCore({ maxOpenInterest: 30 });
      core.openPosition("alice", true, 50_000, 10_000, 0);
      next(core);
      reverts(() => core.openPosition("bob", false, 50_000, 10_000, 0), "Vamm_OpenInterestCapExceeded");
    });

    it("fluctuation limit: an increase beyond 2% in a block reverts", () => {
      const core = newCore();
      reverts(() => core.openPosition("alice", true, 300_000, 50_000, 0), "Vamm_FluctuationLimitExceeded");
      core.openPosition("alice", true, 150_000, 50_000, 0);
      reverts(() => core.openPosition("bob", true, 150_000, 50_000, 0), "Vamm_FluctuationLimitExceeded");
    });

    it("fluctuation limit: one reducing trade beyond the limit per block, not two", () => {
      const core = newCore();
      core.deposit("carol", 1_000_000);
      for (const who of ["alice", "bob", "carol"]) {
        next(core);
        core.openPosition(who, true, 120_000, 50_000, 0);
      }
      next(core);
      core.closePosition("alice", 0, 0);
      core.closePosition("bob", 0, 0);
      reverts(() => core.closePosition("carol", 0, 0), "Vamm_FluctuationLimitExceeded");
      next(core);
      core.closePosition("carol", 0, 0);
    });

    it("pause: market pause and global pause refuse trades and hooks, withdrawals stay open", () => {
      const core = newCore();
      core.setPaused(true);
      reverts(() => core.openPosition("alice", true, 1000, 500, 0), "Vamm_Paused");
      reverts(() => core.repeg(2001), "Vamm_Paused");
      core.withdraw("alice", 1);
      core.setPaused(false);
      core.setPaused(true, "global");
      reverts(() => core.openPosition("alice", true, 1000, 500, 0), "CH_Paused");
    });
  });

  describe("funding", () => {
    it("is not due before a period, then longs pay and the AMM (short of a net long) receives", () => {
      const core = newCore();
      core.openPosition("alice", true, 100_000, 20_000, 0);
      reverts(() => core.settleFunding(), "Vamm_FundingNotDue");
      const s0 = core.state();
      core.advance(T0 + 3600, 400);
      core.setOracle(2000, T0 + 3600);
      const ev = core.settleFunding();
      expect(ev.f).to.be.greaterThan(0);
      close(ev.ammReceived, ev.f * s0.longOI);
      close(core.state().budget, s0.budget + ev.ammReceived);
      close(core.pendingFunding("alice"), s0.longOI * ev.fLong);
      next(core);
      const closeEv = core.closePosition("alice", 0, 0);
      close(closeEv.fundingPaid, s0.longOI * ev.fLong);
    });
  });

  describe("liquidation", () => {
    it("refuses a healthy position, liquidates an underwater one with fee split and bad debt", () => {
      // A wide execution band: this case is about eligibility and the waterfall (the band has its own test).
      const core = newCore({ fluctuationLimitBps: 5000, maxLiquidationSlippageBps: 5000 }, { budget: 0 });
      core.openPosition("alice", true, 100_000, 10_200, 0);
      reverts(() => core.liquidate("liq", "alice", 0), "CH_NotLiquidatable");
      next(core);
      core.openPosition("bob", false, 2_200_000, 300_000, 0);
      // Pushing the curve alone does not make her liquidatable: eligibility is on the oracle (SPEC §3).
      expect(core.marginRatio("alice")).to.be.greaterThan(0.0625);
      reverts(() => core.liquidate("liq", "alice", 0), "CH_NotLiquidatable");
      core.setOracle(1700, core.state().now);
      const reserveBefore = core.state().reservedShare;
      const ev = core.liquidate("liq", "alice", 0);
      expect(ev.fullyClosed).to.equal(true);
      close(ev.toLiquidator, ev.liquidationFee / 2);
      close(core.freeCollateral("liq"), ev.liquidationFee / 2);
      expect(ev.badDebt).to.be.greaterThan(0);
      close(ev.fromReserve + ev.fromBudget + ev.uncovered, ev.badDebt);
      close(core.state().reservedShare, reserveBefore + ev.toReserve + ev.takerFee / 2 - ev.fromReserve);
      expect(core.getPosition("alice")).to.equal(undefined);
    });
  });

  describe("keeper hooks", () => {
    /**
     * Net long d ≈ 47.6 base, oracle moved to 2300 and the oracle TWAP settled at it: the TWAP folds
     * the previous answer, so it takes a second observation a full window later to reach 2300.
     */
    function hookCore(params: Partial<MarketParams> = {}, budget = 10_000): MarketCore {
      const core = newCore(params, { budget });
      core.openPosition("alice", true, 100_000, 30_000, 0);
      core.advance(T0 + 3600, 300);
      core.setOracle(2300, T0 + 3600);
      core.observeOracle();
      core.advance(T0 + 7200, 600);
      core.setOracle(2300, T0 + 7200);
      core.observeOracle();
      return core;
    }

    it("repeg toward the oracle pays (y − y_t)·ΔP from the budget; preview agrees both ways", () => {
      const core = hookCore();
      const s = core.state();
      const newPeg = s.peg * 1.0015;
      const pv = core.previewRepeg(newPeg);
      expect(pv.refusal).to.equal(null);
      close(pv.costClosedForm, pv.costDirect, 1e-9);
      const ev = core.repeg(newPeg);
      close(ev.cost, pv.cost);
      expect(ev.cost).to.be.greaterThan(0);
      close(core.state().budget, s.budget - ev.cost);
      close(ev.newMark, pv.newMark);
    });

    it("refuses a repeg away from, or past, the oracle, or beyond maxPegChangeBps", () => {
      const core = hookCore({ feeBps: 100, maxPegChangeBps: 198 });
      const s = core.state();
      reverts(() => core.repeg(s.peg * 0.99), "Vamm_NotTowardOracle");
      reverts(() => core.repeg((2300 * s.x) / s.y * 1.01), "Vamm_PastOracle");
      const c2 = hookCore();
      reverts(() => c2.repeg(c2.state().peg * 1.02), "Vamm_PegChangeTooLarge");
    });

    it("refuses a cost above the budget, a second hook in the cooldown, and the daily cap", () => {
      reverts(() => hookCore({}, 1).repeg(2003), "Vamm_CostExceedsBudget");
      // A short hook window (one repeg per window) and a wide move cap, so the daily cost cap binds.
      const core = hookCore({ dailyCostCapBps: 2000, feeBps: 100, maxPegChangeBps: 198, hookWindowSeconds: 60 });
      core.repeg(2005);
      reverts(() => core.repeg(2006), "Vamm_HookCooldown");
      // Cap = 20% of the budget at the window start; keep repegging until it binds.
      let refused: string | null = null;
      let spent = 0;
      const cap = core.state().daily.budgetAtWindowStart * 0.2;
      for (let i = 0; i < 50 && !refused; i++) {
        next(core, 61);
        core.setOracle(2300, core.state().now);
        const peg = core.state().peg * 1.004;
        const pv = core.previewRepeg(peg);
        if (pv.refusal) refused = pv.refusal.name;
        else spent += core.repeg(peg).cost;
      }
      expect(refused).to.equal("Vamm_DailyCostCapExceeded");
      expect(spent + core.state().daily.prevSpent).to.be.at.most(cap * (1 + 1e-12));
    });

    it("refuses stale, non-positive and TWAP-divergent oracle answers", () => {
      const core = hookCore();
      core.setOracle(2300, T0);
      reverts(() => core.repeg(2010), "Oracle_StaleAnswer");
      core.setOracle(0, core.state().now);
      reverts(() => core.repeg(2010), "Oracle_NonPositiveAnswer");
      core.setOracle(2300, core.state().now, { incomplete: true });
      reverts(() => core.repeg(2010), "Oracle_IncompleteRound");
      core.setOracle(2300 * 1.2, core.state().now);
      reverts(() => core.repeg(2010), "Vamm_OracleTwapDivergence");
    });

    it("updateK scales reserves at a constant mark, charges L(after) − L(before), refuses out of bounds", () => {
      const core = hookCore();
      const s = core.state();
      const pv = core.previewUpdateK(s.sqrtK * 1.01);
      close(pv.costClosedForm, pv.costDirect, 1e-9);
      const ev = core.updateK(s.sqrtK * 1.01);
      close(ev.cost, pv.costDirect);
      expect(ev.cost).to.be.greaterThan(0);
      close(ev.newMark, s.mark, 1e-12);
      next(core);
      core.setOracle(2300, core.state().now);
      reverts(() => core.updateK(core.state().sqrtK * 1.02), "Vamm_KChangeOutOfBounds");
      reverts(() => core.updateK(core.state().sqrtK * 0.97), "Vamm_KChangeOutOfBounds");
      const down = core.updateK(core.state().sqrtK * 0.99);
      expect(down.cost).to.be.lessThan(0);
    });

    it("refuses a k below the net position (sqrtK ≥ |d|)", () => {
      // x = 10·sqrtK, y = sqrtK/10, peg 200_000: mark 2000 with room for d close to sqrtK (+23%).
      const core = new MarketCore({ peg: 200_000, sqrtK: 1000, baseReserve: 10_000, quoteReserve: 100, time: T0, block: 1, oraclePrice: 2000, budget: 1e9, params: { fluctuationLimitBps: 5000 } });
      core.deposit("alice", 1e9);
      core.openPosition("alice", true, 2_200_000, 1e8, 0);
      expect(core.state().longOI).to.be.greaterThan(978);
      core.advance(T0 + 60, 10);
      core.setOracle(2000, T0 + 60);
      reverts(() => core.updateK(978), "Vamm_SqrtKBelowNetPosition");
    });
  });
});
