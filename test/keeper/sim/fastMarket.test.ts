import { expect } from "chai";
import { closeLongQuote, markPrice, xAfterLong } from "../../../keeper/sim/curve";
import { FastMarket } from "../../../keeper/sim/fastMarket";
import { makeParams, type MarketParams } from "../../../keeper/sim/params";

const T0 = 1_700_000_000;
const close = (a: number, b: number, rel = 1e-12) => expect(Math.abs(a - b)).to.be.at.most(rel * Math.max(1, Math.abs(a), Math.abs(b)));

/** x = y = sqrtK = 10,000, peg = oracle = 2000 (mark 2000); budget 10,000, reserved share 1,000. */
function newMarket(params: Partial<MarketParams> = {}, budget = 10_000, reservedShare = 1_000): FastMarket {
  return new FastMarket({ params: makeParams(params), peg: 2000, sqrtK: 10_000, budget, reservedShare, time: T0, blockTimeSec: 12, oraclePrice: 2000, capacity: 16 });
}

function openSlot(m: FastMarket, isLong: boolean, quote: number, margin: number, t = m.now): boolean {
  m.now = t;
  m.argQ = quote;
  m.argMargin = margin;
  return m.openUninformed(isLong);
}

describe("sim FastMarket (fast engine)", () => {
  describe("an uninformed open", () => {
    it("moves the curve by SPEC §2, takes the fee from the margin, splits it and records the slot", () => {
      const m = newMarket();
      expect(openSlot(m, true, 100_000, 20_000)).to.equal(true);
      const base = 10_000 - xAfterLong(10_000, 10_000, 2000, 100_000);
      close(m.x, 10_000 - base);
      close(m.y, 10_050);
      close(m.longOI, base);
      close(m.budget, 10_000 + 50);
      close(m.reservedShare, 1_000 + 50);
      expect(m.uN).to.equal(1);
      close(m.uSize[0], base);
      close(m.uMargin[0], 20_000 - 100);
    });

    it("is refused under initial margin, in reduce-only, and while the breaker is set", () => {
      const m = newMarket();
      expect(openSlot(m, true, 100_000, 10_050)).to.equal(false); // 10,050 − fee 100 < 10 % of 100,000
      expect(m.c.refusedInitialMargin).to.equal(1);
      m.reduceOnly = true;
      expect(openSlot(m, true, 1_000, 500)).to.equal(false);
      expect(m.c.refusedReduceOnly).to.equal(1);
      m.reduceOnly = false;
      m.setOracle(2200, T0 + 60); // +10 %: beyond oracleBreakerBps (500) from the TWAP
      m.observeOracle(T0 + 60);
      expect(m.volatile).to.equal(true);
      expect(openSlot(m, true, 1_000, 500, T0 + 60)).to.equal(false);
      expect(m.c.refusedVolatility).to.equal(1);
      expect(m.uN).to.equal(0);
      close(m.x, 10_000);
    });
  });

  describe("a bad oracle round (SPEC §3)", () => {
    it("refuses opens and observations, lets closes through, and values margin at the last valid answer", () => {
      const m = newMarket();
      openSlot(m, true, 100_000, 12_000); // liquidation price at the oracle ≈ 1885
      m.setOracle(1800, T0 + 60, true); // an incomplete round
      expect(openSlot(m, true, 1_000, 500, T0 + 60)).to.equal(false);
      expect(m.c.refusedOracle).to.equal(1);
      expect(m.observeOracle(T0 + 60)).to.equal(false);
      expect(m.lastOraclePrice).to.equal(2000);
      expect(m.marginPrice()).to.equal(2000);
      expect(m.liquidationScan(T0 + 60)).to.equal(0); // healthy at the last valid answer
      m.setOracle(1800, T0 + 120); // a valid round: now under maintenance
      expect(m.liquidationScan(T0 + 120)).to.equal(1);
      m.setOracle(2000, T0 + 180);
      expect(openSlot(m, false, 1_000, 500, T0 + 180)).to.equal(true);
      m.now = T0 + 180 + 3601; // stale under maxOracleAgeMargin (3600)
      expect(m.settleFunding(m.now)).to.equal(false);
      expect(m.closeUninformed(0)).to.equal(true);
      expect(m.uN).to.equal(0);
    });
  });

  describe("the block-start mark (fluctuation limit, SPEC §6)", () => {
    it("is not started by a refused trade: a hook between it and the next trade moves the reference", () => {
      const m = newMarket();
      m.setOracle(2030, T0 + 24);
      m.now = T0 + 24;
      expect(openSlot(m, true, 100_000, 100)).to.equal(false); // refused (margin) in block 2
      const r = m.repeg(2000 * (1 + 18 / 1e4), T0 + 24); // hook in the same block
      expect(r.refusal).to.equal(null);
      const afterHook = m.mark();
      close(m.blockStartMarkNow(), afterHook);
      // 190,000 moves the mark ~1.9 % from the post-hook mark: within 200 bps of it, beyond 200 bps of the pre-hook mark.
      expect(openSlot(m, true, 190_000, 40_000)).to.equal(true);
      close(m.blockStartMark, afterHook);
    });

    it("lets one reducing trade per block past the limit", () => {
      const m = newMarket();
      expect(openSlot(m, true, 150_000, 30_000)).to.equal(true);
      expect(openSlot(m, false, 150_000, 30_000, T0 + 12)).to.equal(true); // next block, back near 2000
      expect(openSlot(m, false, 150_000, 30_000, T0 + 24)).to.equal(true); // block 3: −1.5 %
      // Closing the long (slot 0) moves the mark further down, past 200 bps: the block's one reducing pass.
      expect(m.closeUninformed(0)).to.equal(true);
      expect(m.reduceUsed).to.equal(true);
      expect(m.uN).to.equal(2);
    });
  });

  describe("a trader's own close", () => {
    it("returns to the curve what it took and books realised PnL and the fee", () => {
      const m = newMarket();
      openSlot(m, true, 100_000, 20_000);
      const size = m.uSize[0];
      const q = closeLongQuote(m.x, m.y, m.sqrtK, m.peg, size);
      expect(m.closeUninformed(0)).to.equal(true);
      close(m.x, 10_000);
      close(m.longOI, 0);
      close(m.c.uRealised, q - 100_000);
      close(m.budget, 10_000 + 50 + (q * 10) / 1e4 / 2);
      expect(m.uN).to.equal(0);
    });

    /** A 190,000 long at ~9.6× (margin 19,810 after the fee), then shorts push the curve down 9 blocks in a row (−13 %); the oracle stays at 2000. */
    function underwaterLong(budget: number, reserve: number): FastMarket {
      const m = newMarket({}, budget, reserve);
      expect(openSlot(m, true, 190_000, 20_000)).to.equal(true);
      for (let i = 1; i <= 9; i++) expect(openSlot(m, false, 150_000, 50_000, T0 + 12 * i)).to.equal(true);
      m.now = T0 + 120;
      return m;
    }

    it("into negative margin while healthy at the oracle closes into bad debt: reserve first, then budget", () => {
      const m = underwaterLong(100_000, 100);
      const budget = m.budget;
      const feesToBudget = m.c.feesToBudget;
      expect(m.closeUninformed(0)).to.equal(true);
      expect(m.c.liquidations).to.equal(0); // healthy at the oracle: the trader's own close
      const debt = m.c.badDebt;
      expect(debt).to.be.greaterThan(1_000);
      expect(m.reservedShare).to.equal(0); // the reserve (its fees included) went first
      close(m.c.badDebtFromReserve + m.c.badDebtFromBudget, debt);
      close(m.budget, budget + (m.c.feesToBudget - feesToBudget) - m.c.badDebtFromBudget);
      expect(m.uncoveredBadDebt).to.equal(0);
      expect(m.reduceOnly).to.equal(false);
    });

    it("uncovered bad debt makes the market reduce-only and is charged to the other side's funding index", () => {
      const m = underwaterLong(0, 0);
      const shortOI = m.shortOI;
      expect(m.closeUninformed(0)).to.equal(true);
      expect(m.uncoveredBadDebt).to.be.greaterThan(0);
      expect(m.budget).to.equal(0);
      expect(m.reservedShare).to.equal(0);
      expect(m.reduceOnly).to.equal(true);
      close(m.cumShort, -m.uncoveredBadDebt / shortOI);
      expect(m.unsocializedBadDebt).to.equal(0);
      expect(openSlot(m, false, 1_000, 500, T0 + 132)).to.equal(false);
      expect(m.c.refusedReduceOnly).to.equal(1);
    });
  });

  describe("the liquidator's sweep (liquidationScan.ts)", () => {
    it("does not sweep while the oracle is far from every liquidation price, and liquidates once it crosses one", () => {
      const m = newMarket();
      openSlot(m, true, 100_000, 12_000); // liquidation price at the oracle ≈ 2000·(1 − 0.119)/(1 − 0.0625) ≈ 1885
      openSlot(m, false, 1_000, 500, T0 + 12);
      m.setOracle(1950, T0 + 60);
      m.maybeScan(T0 + 60);
      expect(m.c.liquidations).to.equal(0);
      expect(m.uN).to.equal(2);
      m.setOracle(1850, T0 + 120);
      m.maybeScan(T0 + 120);
      expect(m.c.liquidations).to.equal(1);
      expect(m.uN).to.equal(1);
      expect(m.uSize[0]).to.be.lessThan(0); // the short stays
      close(m.longOI, 0);
    });

    it("leaves a position the execution band cannot close for a later sweep", () => {
      const m = newMarket({ maxLiquidationSlippageBps: 100 });
      expect(openSlot(m, true, 190_000, 20_000)).to.equal(true);
      for (let i = 1; i <= 6; i++) expect(openSlot(m, false, 150_000, 50_000, T0 + 12 * i)).to.equal(true);
      // Liquidatable at 1910, but the mark (≈ 1858) is already more than 1 % below it: nothing fits the band.
      m.setOracle(1910, T0 + 90);
      expect(m.liquidationScan(T0 + 90)).to.equal(0);
      expect(m.uN).to.equal(7);
      expect(m.uSize[0]).to.be.greaterThan(0);
      // The oracle falls further: the band around it now holds the whole close.
      m.setOracle(1800, T0 + 150);
      expect(m.liquidationScan(T0 + 150)).to.equal(1);
      expect(m.uN).to.equal(6);
      close(m.longOI, 0);
    });
  });

  describe("informed pools", () => {
    it("pool an informed order and reduce the pool pro rata by an opposite order", () => {
      const m = newMarket();
      m.argQ = 100_000;
      m.argMargin = 20_000;
      expect(m.openInformed(true)).to.equal(true);
      const size = m.iLongSize;
      close(m.iLongNotional, 100_000);
      close(m.iLongMargin, 20_000 - 100);
      m.now = T0 + 12;
      m.argQ = 50_000;
      m.reduceInformedPool(true);
      expect(m.iLongSize).to.be.greaterThan(0).and.lessThan(size);
      close(m.iLongMargin / (20_000 - 100), m.iLongSize / size, 1e-12); // margin released pro rata
      close(m.iLongNotional / 100_000, m.iLongSize / size, 1e-12);
    });
  });

  describe("repegToward (SPEC §6)", () => {
    it("fits the step to the move cap and refuses Vamm_RepegBelowMinimum when the fitted peg is short of minPeg", () => {
      const m = newMarket();
      openSlot(m, true, 50_000, 10_000);
      m.setOracle(2100, T0 + 30);
      const peg = m.peg;
      const short = m.repegToward(2100, 2090, T0 + 30);
      expect(short.refusal?.name).to.equal("Vamm_RepegBelowMinimum");
      expect(m.peg).to.equal(peg);
      const r = m.repegToward(2100, peg, T0 + 30);
      expect(r.refusal).to.equal(null);
      close(r.newPeg, peg * (1 + 19 / 1e4), 1e-9); // the move cap (maxPegChangeBps 19) binds first
      close(m.peg, r.newPeg);
      close(markPrice(m.x, m.y, m.peg), m.mark());
    });
  });
});
