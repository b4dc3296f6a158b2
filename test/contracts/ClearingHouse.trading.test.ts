import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { dammFixture, deployVammMarket, NO_DEADLINE, USDC, COLLATERAL_SCALE } from "../helpers/deployFixture";
import type { DammFixture } from "../helpers/deployFixture";
import type { VammMarket } from "../../typechain-types";
import {
  WAD,
  afterLong,
  afterShort,
  bpsUp,
  closeLong,
  closeShort,
  closedNotional,
  feeSplit,
  markOf,
  positionFunding,
  storedMargin,
  storedNotional,
} from "../helpers/specMath";
import type { Curve } from "../helpers/specMath";
import { expectAddMarginSettlesFunding } from "../helpers/fundingExpect";

// Exact-value tests of the trade path (SPEC §2, §3, §5, §6, §8). Every expected number is computed
// with the bigint mirror in test/helpers/specMath.ts from the state read just before the call.
// The market is shallow (sqrtK 1e5, peg 100: 1e7 quote of depth) so a few whale trades move the
// mark by several percent; the budget starts empty so bad-debt cover is easy to steer.

const fixture = dammFixture({ sqrtK: 100_000n * WAD, budget6: 0n, traderCount: 6 });
const name = (s: string): string => ethers.encodeBytes32String(s);
const FEE_BPS = 10n;
const LIQ_BPS = 250n;
const Q = 10_000n * WAD;
const MARGIN = 2_000n * WAD;

async function curveOf(market: VammMarket): Promise<Curve> {
  const st = await market.marketState();
  return { x: st.baseReserve, y: st.quoteReserve, sqrtK: st.sqrtK, peg: st.peg };
}

async function expectCurve(market: VammMarket, x: bigint, y: bigint): Promise<void> {
  const st = await market.marketState();
  expect(st.baseReserve, "base reserve").to.equal(x);
  expect(st.quoteReserve, "quote reserve").to.equal(y);
}

// ------------------------------------------------------------------ state fixtures

async function withOpenLong(): Promise<DammFixture> {
  const fx = await fixture();
  await fx.clearingHouse.connect(fx.traders[0]).openPosition(fx.addresses.market, true, Q, MARGIN, 0n, NO_DEADLINE);
  return fx;
}

async function withOpenShort(): Promise<DammFixture> {
  const fx = await fixture();
  await fx.clearingHouse.connect(fx.traders[0]).openPosition(fx.addresses.market, false, Q, MARGIN, 0n, NO_DEADLINE);
  return fx;
}

/** Builds a large reserved share (90 % of fees) with whale round trips, then a thin-margin long
 * (20,000 quote at 10.1 %) and a whale short that pushes the mark down by `pushQuote`. */
async function underwaterLong(pushQuote: bigint): Promise<DammFixture> {
  const fx = await fixture();
  const { clearingHouse: ch, market, paramAdmin, traders } = fx;
  const m = fx.addresses.market;
  await market.connect(paramAdmin).setParameter(name("fluctuationLimitBps"), 5000n);
  await market.connect(paramAdmin).setParameter(name("reserveShareBps"), 9000n);
  for (let i = 0; i < 2; i++) {
    await ch.connect(traders[4]).openPosition(m, false, 500_000n * WAD, 60_000n * WAD, 0n, NO_DEADLINE);
    await ch.connect(traders[4]).closePosition(m, 0n, 0n, NO_DEADLINE);
  }
  await market.connect(paramAdmin).setParameter(name("reserveShareBps"), 5000n);
  await ch.connect(traders[0]).openPosition(m, true, 20_000n * WAD, 2_020n * WAD, 0n, NO_DEADLINE);
  await ch.connect(traders[5]).openPosition(m, false, pushQuote, 95_000n * WAD, 0n, NO_DEADLINE);
  // The oracle fell with the curve: margin and liquidation are judged on the oracle (SPEC §3), so a
  // position is under water only when the oracle says so.
  await fx.aggregator.setAnswer(oracleAnswer(await market.markPrice()));
  return fx;
}

/** A WAD price as the aggregator's 8-decimal answer (floor). */
const oracleAnswer = (priceWad: bigint): bigint => priceWad / 10n ** 10n;
/** A position's value at the margin price (SPEC §3): |size|·price, floor for a long, ceil for a short. */
const marginValue = (size: bigint, price: bigint): bigint =>
  size > 0n ? (size * price) / WAD : (-size * price + WAD - 1n) / WAD;
/** Mark −5 %: under maintenance, a partial liquidation leaves positive margin. */
const withLiquidatableLong = async (): Promise<DammFixture> => underwaterLong(250_000n * WAD);
/** Mark −15 %: the position's equity is negative (bad debt on close). */
const withBankruptLong = async (): Promise<DammFixture> => underwaterLong(800_000n * WAD);

describe("ClearingHouse trading", function () {
  // ================================================================ vault
  describe("vault", function () {
    it("deposit converts amount6 · 1e12 exactly and moves the tokens", async function () {
      const { clearingHouse: ch, usdc, traders, addresses } = await loadFixture(fixture);
      const [alice] = traders;
      const free0 = await ch.freeCollateral(alice.address);
      const bal0 = await usdc.balanceOf(addresses.clearingHouse);
      await expect(ch.connect(alice).deposit(1n)).to.emit(ch, "Deposited").withArgs(alice.address, 1n);
      expect(await ch.freeCollateral(alice.address)).to.equal(free0 + COLLATERAL_SCALE);
      expect(await usdc.balanceOf(addresses.clearingHouse)).to.equal(bal0 + 1n);
    });

    it("withdraw pays the floor of the WAD ledger; the dust below 1e12 stays", async function () {
      const { clearingHouse: ch, usdc, traders, addresses } = await loadFixture(withOpenLong);
      const [alice, bob] = traders;
      // Bob moves the mark in between, so alice's PnL is not a round number.
      await ch.connect(bob).openPosition(addresses.market, true, 7_777_777_777n * 10n ** 12n, MARGIN, 0n, NO_DEADLINE);
      await ch.connect(alice).closePosition(addresses.market, 0n, 0n, NO_DEADLINE);
      const free = await ch.freeCollateral(alice.address);
      const dust = free % COLLATERAL_SCALE;
      expect(dust, "a trade leaves sub-1e12 dust").to.not.equal(0n);
      const amount6 = free / COLLATERAL_SCALE;
      await expect(ch.connect(alice).withdraw(amount6 + 1n))
        .to.be.revertedWithCustomError(ch, "CH_InsufficientCollateral")
        .withArgs(free, (amount6 + 1n) * COLLATERAL_SCALE);
      const bal = await usdc.balanceOf(alice.address);
      await expect(ch.connect(alice).withdraw(amount6)).to.emit(ch, "Withdrawn").withArgs(alice.address, amount6);
      expect(await usdc.balanceOf(alice.address)).to.equal(bal + amount6);
      expect(await ch.freeCollateral(alice.address)).to.equal(dust);
    });

    it("withdraw checks free collateral only: margin in a position is not withdrawable", async function () {
      const { clearingHouse: ch, traders, options } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const free = options.depositPerTrader6 * COLLATERAL_SCALE - MARGIN;
      expect(await ch.freeCollateral(alice.address)).to.equal(free);
      await expect(ch.connect(alice).withdraw(options.depositPerTrader6))
        .to.be.revertedWithCustomError(ch, "CH_InsufficientCollateral")
        .withArgs(free, options.depositPerTrader6 * COLLATERAL_SCALE);
      await ch.connect(alice).withdraw(free / COLLATERAL_SCALE);
      expect(await ch.freeCollateral(alice.address)).to.equal(0n);
    });

    it("deposit / withdraw of zero revert CH_ZeroAmount", async function () {
      const { clearingHouse: ch, traders } = await loadFixture(fixture);
      await expect(ch.connect(traders[0]).deposit(0n)).to.be.revertedWithCustomError(ch, "CH_ZeroAmount");
      await expect(ch.connect(traders[0]).withdraw(0n)).to.be.revertedWithCustomError(ch, "CH_ZeroAmount");
    });
  });

  // ================================================================ no position
  describe("with no position", function () {
    it("opens a long with exactly the SPEC §2 base, reserves, fee split and margin", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(fixture);
      const [alice] = traders;
      const m = addresses.market;
      const c = await curveOf(market);
      const o = afterLong(c, Q);
      const f = feeSplit(Q);
      await expect(ch.connect(alice).openPosition(m, true, Q, MARGIN, o.base, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, o.base, -Q, f.fee, 0n, o.base, MARGIN - f.fee)
        .and.to.emit(market, "FeeCollected")
        .withArgs(f.fee, f.toBudget, f.toReserve);
      await expectCurve(market, o.x1, o.y1);
      const st = await market.marketState();
      expect(st.longOI).to.equal(o.base);
      expect(st.budget).to.equal(f.toBudget);
      expect(st.reservedShare).to.equal(f.toReserve);
      const p = await ch.positionOf(m, alice.address);
      const [, , epoch] = await ch.fundingIndices(m);
      expect([p.size, p.margin, p.openNotional, p.fundingEpoch]).to.deep.equal([o.base, MARGIN - f.fee, Q, epoch]);
      expect(epoch, "a listed market starts in funding epoch 1").to.equal(1n);
    });

    it("opens a short with the base owed rounded up", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(fixture);
      const [alice] = traders;
      const m = addresses.market;
      const c = await curveOf(market);
      const o = afterShort(c, Q);
      const f = feeSplit(Q);
      await expect(ch.connect(alice).openPosition(m, false, Q, MARGIN, o.base, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, -o.base, Q, f.fee, 0n, -o.base, MARGIN - f.fee);
      await expectCurve(market, o.x1, o.y1);
      expect((await market.marketState()).shortOI).to.equal(o.base);
    });

    it("reverts CH_ZeroAmount for a zero notional", async function () {
      const { clearingHouse: ch, traders, addresses } = await loadFixture(fixture);
      await expect(
        ch.connect(traders[0]).openPosition(addresses.market, true, 0n, MARGIN, 0n, NO_DEADLINE),
      ).to.be.revertedWithCustomError(ch, "CH_ZeroAmount");
    });

    it("reverts CH_DeadlinePassed(deadline, now) one second late and accepts deadline == now", async function () {
      const { clearingHouse: ch, traders, addresses } = await loadFixture(fixture);
      const t = (await time.latest()) + 100;
      await time.setNextBlockTimestamp(t);
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, Q, MARGIN, 0n, t - 1))
        .to.be.revertedWithCustomError(ch, "CH_DeadlinePassed")
        .withArgs(t - 1, t);
      await time.setNextBlockTimestamp(t + 1);
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, Q, MARGIN, 0n, t + 1)).to.not.be
        .reverted;
      await time.setNextBlockTimestamp(t + 5);
      await expect(ch.connect(traders[0]).closePosition(addresses.market, 0n, 0n, t + 4))
        .to.be.revertedWithCustomError(ch, "CH_DeadlinePassed")
        .withArgs(t + 4, t + 5);
    });

    it("reverts CH_UnknownMarket(market) for an address that is not a registered market", async function () {
      const { clearingHouse: ch, traders, addresses } = await loadFixture(fixture);
      await expect(ch.connect(traders[0]).openPosition(addresses.usdc, true, Q, MARGIN, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_UnknownMarket")
        .withArgs(addresses.usdc);
      await expect(ch.connect(traders[0]).fundBudget(addresses.usdc, 1n))
        .to.be.revertedWithCustomError(ch, "CH_UnknownMarket")
        .withArgs(addresses.usdc);
      await expect(ch.connect(traders[0]).recordFunding(1n, 1n))
        .to.be.revertedWithCustomError(ch, "CH_UnknownMarket")
        .withArgs(traders[0].address);
    });

    it("reverts CH_InsufficientCollateral(free, marginToAdd) when the margin exceeds free collateral", async function () {
      const { clearingHouse: ch, traders, addresses, options } = await loadFixture(fixture);
      const free = options.depositPerTrader6 * COLLATERAL_SCALE;
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, Q, free + 1n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_InsufficientCollateral")
        .withArgs(free, free + 1n);
    });

    it("reverts CH_BelowInitialMargin(margin, ceil(notional · 10 %)) after the fee", async function () {
      const { clearingHouse: ch, traders, addresses } = await loadFixture(fixture);
      const margin = 1_000n * WAD; // 1,000 − 10 fee < 1,000 required
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, Q, margin, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_BelowInitialMargin")
        .withArgs(margin - feeSplit(Q).fee, bpsUp(Q, 1000n));
    });

    it("reverts CH_BaseLimitExceeded(base, limit): min base for a long, max base for a short (0 = none)", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(fixture);
      const m = addresses.market;
      const c = await curveOf(market);
      const lb = afterLong(c, Q).base;
      await expect(ch.connect(traders[0]).openPosition(m, true, Q, MARGIN, lb + 1n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_BaseLimitExceeded")
        .withArgs(lb, lb + 1n);
      const sb = afterShort(c, Q).base;
      await expect(ch.connect(traders[0]).openPosition(m, false, Q, MARGIN, sb - 1n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_BaseLimitExceeded")
        .withArgs(sb, sb - 1n);
      await expect(ch.connect(traders[0]).openPosition(m, false, Q, MARGIN, 0n, NO_DEADLINE)).to.not.be.reverted;
    });

    it("reverts Vamm_ZeroBaseAmount(q) for a notional that moves no base", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(fixture);
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, 1n, MARGIN, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_ZeroBaseAmount")
        .withArgs(1n);
    });

    it("reverts Vamm_InsufficientLiquidity(y, dy) for a short larger than the quote reserve", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(fixture);
      const c = await curveOf(market);
      const q = (c.y * c.peg) / WAD; // dy = y
      await expect(ch.connect(traders[0]).openPosition(addresses.market, false, q, 0n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_InsufficientLiquidity")
        .withArgs(c.y, c.y);
    });

    it("reverts CH_NoPosition(trader, market) for close, margin changes and liquidation", async function () {
      const { clearingHouse: ch, traders, liquidator, addresses } = await loadFixture(fixture);
      const [alice] = traders;
      const m = addresses.market;
      const calls = [
        () => ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE),
        () => ch.connect(alice).addMargin(m, 1n),
        () => ch.connect(alice).removeMargin(m, 1n),
        () => ch.connect(liquidator).liquidate(alice.address, m, 0n),
      ];
      for (const call of calls) {
        await expect(call()).to.be.revertedWithCustomError(ch, "CH_NoPosition").withArgs(alice.address, m);
      }
    });

    it("reverts CH_ZeroAmount for zero margin changes, budget funding and reserve withdrawals", async function () {
      const { clearingHouse: ch, traders, admin, addresses } = await loadFixture(fixture);
      const m = addresses.market;
      await expect(ch.connect(traders[0]).addMargin(m, 0n)).to.be.revertedWithCustomError(ch, "CH_ZeroAmount");
      await expect(ch.connect(traders[0]).removeMargin(m, 0n)).to.be.revertedWithCustomError(ch, "CH_ZeroAmount");
      await expect(ch.connect(admin).fundBudget(m, 0n)).to.be.revertedWithCustomError(ch, "CH_ZeroAmount");
      await expect(ch.connect(admin).withdrawReserve(m, 0n, admin.address)).to.be.revertedWithCustomError(
        ch,
        "CH_ZeroAmount",
      );
    });

    it("reverts Vamm_OnlyClearingHouse(caller) when the trade entry points are called directly", async function () {
      const { market, traders } = await loadFixture(fixture);
      const t = traders[0];
      await expect(market.connect(t).trade(0n, true, Q, 0))
        .to.be.revertedWithCustomError(market, "Vamm_OnlyClearingHouse")
        .withArgs(t.address);
      for (const call of [
        () => market.connect(t).creditBudget(1n),
        () => market.connect(t).creditReserve(1n),
        () => market.connect(t).debitReserve(1n),
        () => market.connect(t).absorbBadDebt(1n),
        () => market.connect(t).setGlobalPause(true),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(market, "Vamm_OnlyClearingHouse").withArgs(t.address);
      }
    });
  });

  // ================================================================ open long
  describe("with an open long", function () {
    it("increases: the new base from the current curve, notional and margin add up", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const c = await curveOf(market);
      const q = 5_000n * WAD;
      const o = afterLong(c, q);
      const f = feeSplit(q);
      await expect(ch.connect(alice).openPosition(m, true, q, 0n, 0n, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, o.base, -q, f.fee, 0n, p0.size + o.base, p0.margin - f.fee);
      await expectCurve(market, o.x1, o.y1);
      const p = await ch.positionOf(m, alice.address);
      expect(p.openNotional).to.equal(Q + q);
    });

    it("reduces by an opposite quote: base = the short's base owed for q, then the close formula on it", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const c = await curveOf(market);
      const q = 3_000n * WAD;
      const b = afterShort(c, q).base;
      const cl = closeLong(c, b);
      const cn = closedNotional(p0.openNotional, b, p0.size, true);
      const pnl = cl.quote - cn;
      const fee = bpsUp(cl.quote, FEE_BPS);
      await expect(ch.connect(alice).openPosition(m, false, q, 0n, 0n, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, -b, cl.quote, fee, pnl, p0.size - b, storedMargin(p0.margin + pnl - fee));
      await expectCurve(market, cl.x1, cl.y1);
      expect((await ch.positionOf(m, alice.address)).openNotional).to.equal(storedNotional(p0.openNotional - cn, true));
    });

    it("reverses: closes fully at the close value, then opens q − closeValue short (baseLimit on the total)", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const c = await curveOf(market);
      const q = 20_000n * WAD;
      const cl = closeLong(c, p0.size);
      const rest = q - cl.quote;
      const op = afterShort({ ...c, x: cl.x1, y: cl.y1 }, rest);
      const fee = bpsUp(cl.quote, FEE_BPS) + bpsUp(rest, FEE_BPS);
      const pnl = cl.quote - p0.openNotional;
      const moved = p0.size + op.base;
      await expect(ch.connect(alice).openPosition(m, false, q, 0n, moved - 1n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_BaseLimitExceeded")
        .withArgs(moved, moved - 1n);
      await expect(ch.connect(alice).openPosition(m, false, q, 0n, moved, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, -moved, q, fee, pnl, -op.base, storedMargin(p0.margin + pnl - fee));
      await expectCurve(market, op.x1, op.y1);
      const st = await market.marketState();
      expect([st.longOI, st.shortOI]).to.deep.equal([0n, op.base]);
      expect((await ch.positionOf(m, alice.address)).openNotional).to.equal(storedNotional(rest, false));
    });

    it("closes part by base with realised PnL on a cost basis charged up (ceil)", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const c = await curveOf(market);
      const b = p0.size / 3n;
      const cl = closeLong(c, b);
      const cn = closedNotional(p0.openNotional, b, p0.size, true);
      const fee = bpsUp(cl.quote, FEE_BPS);
      await expect(ch.connect(alice).closePosition(m, b, cl.quote, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, -b, cl.quote, fee, cl.quote - cn, p0.size - b, storedMargin(p0.margin + cl.quote - cn - fee));
      await expectCurve(market, cl.x1, cl.y1);
    });

    it("closes fully: the margin returns to free collateral and the position is deleted", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const free0 = await ch.freeCollateral(alice.address);
      const c = await curveOf(market);
      const cl = closeLong(c, p0.size);
      const fee = bpsUp(cl.quote, FEE_BPS);
      const pnl = cl.quote - p0.openNotional;
      await expect(ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, -p0.size, cl.quote, fee, pnl, 0n, p0.margin + pnl - fee);
      expect(await ch.freeCollateral(alice.address)).to.equal(free0 + p0.margin + pnl - fee);
      const p = await ch.positionOf(m, alice.address);
      expect([p.size, p.margin, p.openNotional]).to.deep.equal([0n, 0n, 0n]);
      // With no parameter change the curve returns to x = y = sqrtK within rounding in the AMM's favour.
      const st = await market.marketState();
      expect(st.baseReserve).to.equal(st.sqrtK);
      expect(st.quoteReserve >= st.sqrtK).to.equal(true);
      expect(st.longOI).to.equal(0n);
    });

    it("reverts CH_SizeExceedsPosition(b, size) and CH_QuoteLimitExceeded(out, min) on a close", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      await expect(ch.connect(alice).closePosition(m, p0.size + 1n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_SizeExceedsPosition")
        .withArgs(p0.size + 1n, p0.size);
      const out = closeLong(await curveOf(market), p0.size).quote;
      await expect(ch.connect(alice).closePosition(m, 0n, out + 1n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_QuoteLimitExceeded")
        .withArgs(out, out + 1n);
    });

    it("adds margin exactly and removes it down to the initial margin on the worse of curve and oracle value (stored margin rounded down)", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const free0 = await ch.freeCollateral(alice.address);
      await expect(ch.connect(alice).addMargin(m, 500n * WAD))
        .to.emit(ch, "MarginChanged")
        .withArgs(alice.address, m, 500n * WAD, p0.margin + 500n * WAD);
      expect(await ch.freeCollateral(alice.address)).to.equal(free0 - 500n * WAD);
      const margin = p0.margin + 500n * WAD;
      // Initial margin on the worse of the curve's close value and the oracle value (SPEC §3): the
      // long pushed the mark above the oracle (100), so the oracle value is the lower one and binds.
      const cv = closeLong(await curveOf(market), p0.size).quote;
      const ov = marginValue(p0.size, 100n * WAD);
      expect(ov < cv, "the oracle value is the worse one").to.equal(true);
      const upnl = ov - p0.openNotional;
      const required = bpsUp(ov, 1000n);
      // The check sees the stored margin (rounded down to 1e12 wei): the least margin that passes is
      // the first grid point at or above required − upnl; one wei less is stored one grid step lower.
      const minMargin = -storedMargin(-(required - upnl));
      const maxRemove = margin - minMargin;
      expect(minMargin - 10n ** 12n + upnl < required, "one grid step below fails").to.equal(true);
      await expect(ch.connect(alice).removeMargin(m, maxRemove + 1n))
        .to.be.revertedWithCustomError(ch, "CH_BelowInitialMargin")
        .withArgs(minMargin - 10n ** 12n + upnl, required);
      await expect(ch.connect(alice).removeMargin(m, margin + 1n))
        .to.be.revertedWithCustomError(ch, "CH_NegativeMargin")
        .withArgs(-1n);
      await expect(ch.connect(alice).removeMargin(m, maxRemove))
        .to.emit(ch, "MarginChanged")
        .withArgs(alice.address, m, -maxRemove, margin - maxRemove);
      const free1 = free0 - 500n * WAD + maxRemove;
      expect(await ch.freeCollateral(alice.address)).to.equal(free1);
      await expect(ch.connect(alice).addMargin(m, free1 + 1n))
        .to.be.revertedWithCustomError(ch, "CH_InsufficientCollateral")
        .withArgs(free1, free1 + 1n);
    });

    it("reverts CH_NotLiquidatable(equity, ceil(oracleValue · mm)) while healthy", async function () {
      const { clearingHouse: ch, traders, liquidator, addresses } = await loadFixture(withOpenLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const ov = marginValue(p0.size, 100n * WAD); // valued at the oracle (100), not the curve
      await expect(ch.connect(liquidator).liquidate(alice.address, m, 0n))
        .to.be.revertedWithCustomError(ch, "CH_NotLiquidatable")
        .withArgs(p0.margin + ov - p0.openNotional, bpsUp(ov, 625n));
      expect(await ch.isLiquidatable(m, alice.address)).to.equal(false);
    });

    describe("when globally paused", function () {
      it("every trade, margin change, funding settlement and deposit reverts CH_Paused; withdraw and fundBudget stay open", async function () {
        const { clearingHouse: ch, market, traders, guardian, admin, addresses } = await loadFixture(withOpenLong);
        const [alice] = traders;
        const m = addresses.market;
        await ch.connect(guardian).pause();
        const calls = [
          () => ch.connect(alice).openPosition(m, true, Q, 0n, 0n, NO_DEADLINE),
          () => ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE),
          () => ch.connect(alice).addMargin(m, 1n),
          () => ch.connect(alice).removeMargin(m, 1n),
          () => ch.connect(alice).deposit(1n),
          () => market.settleFunding(),
        ];
        for (const call of calls) await expect(call()).to.be.revertedWithCustomError(ch, "CH_Paused");
        await expect(ch.connect(alice).withdraw(1n)).to.emit(ch, "Withdrawn");
        await expect(ch.connect(admin).fundBudget(m, 1n)).to.emit(ch, "BudgetFunded");
        await ch.connect(admin).unpause();
        await expect(ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      });
    });

    describe("when the market is paused", function () {
      it("trades and margin changes revert Vamm_Paused", async function () {
        const { clearingHouse: ch, market, traders, guardian, addresses } = await loadFixture(withOpenLong);
        const [alice] = traders;
        const m = addresses.market;
        await market.connect(guardian).pause();
        for (const call of [
          () => ch.connect(alice).openPosition(m, true, Q, 0n, 0n, NO_DEADLINE),
          () => ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE),
          () => ch.connect(alice).addMargin(m, 1n),
          () => ch.connect(alice).removeMargin(m, 1n),
        ]) {
          await expect(call()).to.be.revertedWithCustomError(market, "Vamm_Paused");
        }
      });
    });

    describe("in reduce-only mode", function () {
      it("increases, new positions and the opening leg of a reverse revert Vamm_ReduceOnly; reduces pass", async function () {
        const { clearingHouse: ch, market, traders, paramAdmin, addresses } = await loadFixture(withOpenLong);
        const [alice, bob] = traders;
        const m = addresses.market;
        await expect(market.connect(paramAdmin).setReduceOnly(true)).to.emit(market, "ReduceOnlySet").withArgs(false, true);
        await expect(ch.connect(alice).openPosition(m, true, Q, 0n, 0n, NO_DEADLINE)).to.be.revertedWithCustomError(
          market,
          "Vamm_ReduceOnly",
        );
        await expect(ch.connect(bob).openPosition(m, false, Q, MARGIN, 0n, NO_DEADLINE)).to.be.revertedWithCustomError(
          market,
          "Vamm_ReduceOnly",
        );
        await expect(ch.connect(alice).openPosition(m, false, 3n * Q, 0n, 0n, NO_DEADLINE)).to.be.revertedWithCustomError(
          market,
          "Vamm_ReduceOnly",
        );
        await expect(ch.connect(alice).openPosition(m, false, Q / 4n, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
        await expect(ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      });
    });

    describe("with an open-interest cap", function () {
      it("an increase past the cap reverts Vamm_OpenInterestCapExceeded(oi, cap); reduces are not capped", async function () {
        const { clearingHouse: ch, market, traders, paramAdmin, addresses } = await loadFixture(withOpenLong);
        const [alice, bob] = traders;
        const m = addresses.market;
        const cap = 150n * WAD;
        await market.connect(paramAdmin).setParameter(name("maxOpenInterest"), cap);
        const st = await market.marketState();
        const b = afterLong(await curveOf(market), Q).base;
        await expect(ch.connect(bob).openPosition(m, true, Q, MARGIN, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, "Vamm_OpenInterestCapExceeded")
          .withArgs(st.longOI + b, cap);
        await market.connect(paramAdmin).setParameter(name("maxOpenInterest"), 10n ** 12n);
        await expect(ch.connect(alice).closePosition(m, st.longOI / 2n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      });
    });

    describe("with a tight fluctuation limit", function () {
      it("an increase moving the mark beyond the limit reverts Vamm_FluctuationLimitExceeded(moveBps, limit)", async function () {
        const { clearingHouse: ch, market, traders, paramAdmin, addresses } = await loadFixture(withOpenLong);
        const m = addresses.market;
        await market.connect(paramAdmin).setParameter(name("fluctuationLimitBps"), 10n);
        const c = await curveOf(market);
        const start = markOf(c.x, c.y, c.peg);
        const o = afterLong(c, Q);
        const moved = markOf(o.x1, o.y1, c.peg) - start;
        await expect(ch.connect(traders[1]).openPosition(m, true, Q, MARGIN, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, "Vamm_FluctuationLimitExceeded")
          .withArgs((moved * 10_000n) / start, 10n);
      });

      it("allows one reducing trade beyond the limit per block; the second in the block reverts", async function () {
        const { clearingHouse: ch, market, traders, paramAdmin, addresses } = await loadFixture(withOpenLong);
        const [alice, bob] = traders;
        const m = addresses.market;
        await ch.connect(bob).openPosition(m, true, Q, MARGIN, 0n, NO_DEADLINE);
        await market.connect(paramAdmin).setParameter(name("fluctuationLimitBps"), 10n);
        const c = await curveOf(market);
        const start = markOf(c.x, c.y, c.peg);
        const pa = await ch.positionOf(m, alice.address);
        const pb = await ch.positionOf(m, bob.address);
        const afterA = closeLong(c, pa.size);
        const afterB = closeLong({ ...c, x: afterA.x1, y: afterA.y1 }, pb.size);
        const moveB = start - markOf(afterB.x1, afterB.y1, c.peg);
        await network.provider.send("evm_setAutomine", [false]);
        try {
          const tx1 = await ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE, { gasLimit: 1_000_000 });
          const tx2 = await ch.connect(bob).closePosition(m, 0n, 0n, NO_DEADLINE, { gasLimit: 1_000_000 });
          await mine(1);
          const r1 = await ethers.provider.getTransactionReceipt(tx1.hash);
          const r2 = await ethers.provider.getTransactionReceipt(tx2.hash);
          expect(r1?.blockNumber).to.equal(r2?.blockNumber);
          expect([r1?.status, r2?.status]).to.deep.equal([1, 0]);
          // A mined revert carries no data in its receipt: read it from the trace.
          const trace = (await network.provider.send("debug_traceTransaction", [
            tx2.hash,
            { disableStack: true, disableMemory: true, disableStorage: true },
          ])) as { returnValue: string };
          const data = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
          const err = market.interface.parseError(data);
          expect(err?.name).to.equal("Vamm_FluctuationLimitExceeded");
          expect([...(err?.args ?? [])]).to.deep.equal([(moveB * 10_000n) / start, 10n]);
        } finally {
          await network.provider.send("evm_setAutomine", [true]);
        }
        // A new block re-arms the allowance.
        await expect(ch.connect(bob).closePosition(m, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      });
    });
  });

  // ================================================================ open short
  describe("with an open short", function () {
    it("closes part with the quote paid rounded up and the cost basis charged down (floor)", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenShort);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const s = -p0.size;
      const c = await curveOf(market);
      const b = s / 3n;
      const cl = closeShort(c, b);
      const cn = closedNotional(p0.openNotional, b, s, false);
      const fee = bpsUp(cl.quote, FEE_BPS);
      const pnl = cn - cl.quote;
      await expect(ch.connect(alice).closePosition(m, b, cl.quote - 1n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_QuoteLimitExceeded")
        .withArgs(cl.quote, cl.quote - 1n);
      await expect(ch.connect(alice).closePosition(m, b, cl.quote, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, b, -cl.quote, fee, pnl, p0.size + b, storedMargin(p0.margin + pnl - fee));
      await expectCurve(market, cl.x1, cl.y1);
    });

    it("reduces by an opposite (long) quote: base = the long's base received for q", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withOpenShort);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const c = await curveOf(market);
      const q = 4_000n * WAD;
      const b = afterLong(c, q).base;
      const cl = closeShort(c, b);
      const cn = closedNotional(p0.openNotional, b, -p0.size, false);
      const fee = bpsUp(cl.quote, FEE_BPS);
      await expect(ch.connect(alice).openPosition(m, true, q, 0n, 0n, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, b, -cl.quote, fee, cn - cl.quote, p0.size + b, storedMargin(p0.margin + cn - cl.quote - fee));
    });
  });

  // ================================================================ funding
  describe("with a long and a short across a funding period", function () {
    it("settles each account's funding into its margin on its next action, exactly", async function () {
      const { clearingHouse: ch, market, aggregator, traders, addresses } = await loadFixture(fixture);
      const [alice, bob] = traders;
      const m = addresses.market;
      await ch.connect(alice).openPosition(m, true, 2n * Q, MARGIN * 2n, 0n, NO_DEADLINE);
      await ch.connect(bob).openPosition(m, false, Q, MARGIN, 0n, NO_DEADLINE);
      const next = (await market.marketState()).nextFundingTime;
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(market.settleFunding())
        .to.be.revertedWithCustomError(market, "Vamm_FundingNotDue")
        .withArgs(next, now);
      await time.increase(3600);
      await aggregator.setAnswer(99n * 10n ** 8n); // mark above oracle: longs pay
      const rc = await (await market.settleFunding()).wait();
      const ev = rc!.logs.map((l) => market.interface.parseLog(l)).find((e) => e?.name === "FundingSettled");
      const [f, fLong, fShort] = ev!.args as unknown as bigint[];
      expect(f > 0n).to.equal(true);
      const [cumLong, cumShort, epoch] = await ch.fundingIndices(m);
      expect([cumLong, cumShort, epoch]).to.deep.equal([fLong, fShort, 2n]);
      for (const [t, isLong] of [
        [alice, true],
        [bob, false],
      ] as const) {
        const p = await ch.positionOf(m, t.address);
        expect(p.fundingEpoch).to.equal(1n);
        const [snapLong, snapShort] = await ch.fundingIndicesAt(m, p.fundingEpoch);
        expect([snapLong, snapShort]).to.deep.equal([0n, 0n]);
        const owed = positionFunding(p.size, isLong ? cumLong : cumShort, isLong ? snapLong : snapShort);
        await expectAddMarginSettlesFunding(ch, m, t, owed, epoch);
      }
    });

    it("settleFunding rejects stale, non-positive and incomplete oracle answers (Oracle_*)", async function () {
      const { market, aggregator } = await loadFixture(fixture);
      await time.increase(3600);
      const now = BigInt(await time.latest());
      await aggregator.setRound(100n * 10n ** 8n, now - 4000n, 0n);
      await expect(market.settleFunding())
        .to.be.revertedWithCustomError(market, "Oracle_StaleAnswer")
        .withArgs(now - 4000n, 3600n);
      await aggregator.setAnswer(0n);
      await expect(market.settleFunding()).to.be.revertedWithCustomError(market, "Oracle_NonPositiveAnswer").withArgs(0n);
      await aggregator.setRound(100n * 10n ** 8n, now, 1n);
      const round = await aggregator.latestRound();
      await expect(market.settleFunding())
        .to.be.revertedWithCustomError(market, "Oracle_IncompleteRound")
        .withArgs(round, round - 1n);
      await expect(market.observeOracle()).to.be.revertedWithCustomError(market, "Oracle_IncompleteRound");
    });
  });

  // ================================================================ liquidation
  describe("with a long under maintenance margin", function () {
    it("liquidates part: fee split half to the liquidator, the rest to the reserved share", async function () {
      const { clearingHouse: ch, market, traders, liquidator, addresses } = await loadFixture(withLiquidatableLong);
      const [alice] = traders;
      const m = addresses.market;
      expect(await ch.isLiquidatable(m, alice.address)).to.equal(true);
      const p0 = await ch.positionOf(m, alice.address);
      const st0 = await market.marketState();
      const c = await curveOf(market);
      const b = p0.size / 2n;
      const cl = closeLong(c, b);
      const fs = feeSplit(cl.quote);
      const cn = closedNotional(p0.openNotional, b, p0.size, true);
      const pnl = cl.quote - cn;
      const liqFee = bpsUp(cl.quote, LIQ_BPS);
      const toLiq = liqFee / 2n;
      const remaining = p0.margin + pnl - fs.fee - liqFee;
      expect(remaining > 0n).to.equal(true);
      const reserveAfterTrade = st0.reservedShare + fs.toReserve;
      await expect(ch.connect(liquidator).liquidate(alice.address, m, b))
        .to.emit(ch, "Liquidated")
        .withArgs(alice.address, m, liquidator.address, b, cl.quote, liqFee, toLiq, remaining)
        .and.to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, -b, cl.quote, fs.fee, pnl, p0.size - b, storedMargin(remaining))
        .and.to.emit(market, "ReservedShareChanged")
        .withArgs(reserveAfterTrade, reserveAfterTrade + liqFee - toLiq, 0n);
      expect(await ch.freeCollateral(liquidator.address)).to.equal(toLiq);
      await expectCurve(market, cl.x1, cl.y1);
    });

    it("liquidates the whole position (baseSize 0): the rest of the margin returns to the trader", async function () {
      const { clearingHouse: ch, market, traders, liquidator, addresses } = await loadFixture(withLiquidatableLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const free0 = await ch.freeCollateral(alice.address);
      const cl = closeLong(await curveOf(market), p0.size);
      const fee = bpsUp(cl.quote, FEE_BPS);
      const liqFee = bpsUp(cl.quote, LIQ_BPS);
      const remaining = p0.margin + cl.quote - p0.openNotional - fee - liqFee;
      await expect(ch.connect(liquidator).liquidate(alice.address, m, 0n))
        .to.emit(ch, "Liquidated")
        .withArgs(alice.address, m, liquidator.address, p0.size, cl.quote, liqFee, liqFee / 2n, remaining);
      expect(await ch.freeCollateral(alice.address)).to.equal(free0 + remaining);
      expect((await ch.positionOf(m, alice.address)).size).to.equal(0n);
    });

    it("is exempt from the fluctuation limit and allowed in reduce-only mode", async function () {
      const { clearingHouse: ch, market, traders, liquidator, paramAdmin, addresses } =
        await loadFixture(withLiquidatableLong);
      await market.connect(paramAdmin).setParameter(name("fluctuationLimitBps"), 10n);
      await market.connect(paramAdmin).setReduceOnly(true);
      await expect(ch.connect(liquidator).liquidate(traders[0].address, addresses.market, 0n)).to.emit(ch, "Liquidated");
    });

    it("reverts CH_Paused while globally paused", async function () {
      const { clearingHouse: ch, traders, liquidator, guardian, addresses } = await loadFixture(withLiquidatableLong);
      await ch.connect(guardian).pause();
      await expect(
        ch.connect(liquidator).liquidate(traders[0].address, addresses.market, 0n),
      ).to.be.revertedWithCustomError(ch, "CH_Paused");
    });
  });

  describe("with a bankrupt long (equity < 0)", function () {
    async function expectBadDebt(fx: DammFixture, requested: bigint): Promise<{ uncovered: bigint; fromBudget: bigint; fromReserve: bigint }> {
      const { clearingHouse: ch, market, traders, liquidator, addresses } = fx;
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const st0 = await market.marketState();
      const cl = closeLong(await curveOf(market), p0.size);
      const fs = feeSplit(cl.quote);
      const liqFee = bpsUp(cl.quote, LIQ_BPS);
      const toLiq = liqFee / 2n;
      const remaining = p0.margin + cl.quote - p0.openNotional - fs.fee - liqFee;
      expect(remaining < 0n, "bankrupt").to.equal(true);
      const debt = -remaining;
      const reserve = st0.reservedShare + fs.toReserve + liqFee - toLiq;
      const budget = st0.budget + fs.toBudget;
      const fromReserve = debt < reserve ? debt : reserve;
      const fromBudget = debt - fromReserve < budget ? debt - fromReserve : budget;
      const uncovered = debt - fromReserve - fromBudget;
      const unc0 = await ch.uncoveredBadDebt();
      await expect(ch.connect(liquidator).liquidate(alice.address, m, requested))
        .to.emit(ch, "BadDebtRecorded")
        .withArgs(alice.address, debt, fromReserve, fromBudget, uncovered)
        .and.to.emit(ch, "Liquidated")
        .withArgs(alice.address, m, liquidator.address, p0.size, cl.quote, liqFee, toLiq, remaining);
      const st = await market.marketState();
      expect(st.reservedShare).to.equal(reserve - fromReserve);
      expect(st.budget).to.equal(budget - fromBudget);
      expect(await ch.uncoveredBadDebt()).to.equal(unc0 + uncovered);
      expect((await ch.positionOf(m, alice.address)).size).to.equal(0n);
      return { uncovered, fromBudget, fromReserve };
    }

    it("a partial request closes everything when the rest would be ≤ 0; the reserved share covers the debt", async function () {
      const fx = await loadFixture(withBankruptLong);
      const size = (await fx.clearingHouse.positionOf(fx.addresses.market, fx.traders[0].address)).size;
      const r = await expectBadDebt(fx, (size * 9n) / 10n);
      expect(r.fromBudget).to.equal(0n);
      expect(r.uncovered).to.equal(0n);
    });

    it("the reserved share first, then the budget", async function () {
      const fx = await loadFixture(withBankruptLong);
      const { clearingHouse: ch, market, admin, addresses } = fx;
      const keep6 = 100n * USDC;
      const reserve6 = (await market.marketState()).reservedShare / COLLATERAL_SCALE;
      await ch.connect(admin).withdrawReserve(addresses.market, reserve6 - keep6, admin.address);
      await ch.connect(admin).fundBudget(addresses.market, 10_000n * USDC);
      const r = await expectBadDebt(fx, 0n);
      expect(r.fromBudget > 0n).to.equal(true);
      expect(r.uncovered).to.equal(0n);
    });

    it("then records what neither covers as uncovered", async function () {
      const fx = await loadFixture(withBankruptLong);
      const { clearingHouse: ch, market, admin, addresses } = fx;
      const reserve6 = (await market.marketState()).reservedShare / COLLATERAL_SCALE;
      await ch.connect(admin).withdrawReserve(addresses.market, reserve6 - 1n, admin.address);
      const r = await expectBadDebt(fx, 0n);
      expect(r.fromBudget > 0n).to.equal(true);
      expect(r.uncovered > 0n).to.equal(true);
    });

    it("a partial close leaving negative margin reverts CH_NegativeMargin; the trader's full close goes to bad debt", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withBankruptLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const b = p0.size - 1n;
      const cl = closeLong(await curveOf(market), b);
      const cn = closedNotional(p0.openNotional, b, p0.size, true);
      const left = p0.margin + cl.quote - cn - bpsUp(cl.quote, FEE_BPS);
      await expect(ch.connect(alice).closePosition(m, b, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_NegativeMargin")
        .withArgs(storedMargin(left)); // the stored value: rounded toward −∞
      expect(storedMargin(left) < left, "left is off the 1e12 grid").to.equal(true);
      const full = closeLong(await curveOf(market), p0.size);
      const debt = -(p0.margin + full.quote - p0.openNotional - bpsUp(full.quote, FEE_BPS));
      await expect(ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE))
        .to.emit(ch, "BadDebtRecorded")
        .withArgs(alice.address, debt, (v: bigint) => v >= 0n, (v: bigint) => v >= 0n, (v: bigint) => v >= 0n);
    });

    it("a reduce by an opposite quote leaving negative margin reverts CH_NegativeMargin(margin)", async function () {
      const { clearingHouse: ch, market, traders, addresses } = await loadFixture(withBankruptLong);
      const [alice] = traders;
      const m = addresses.market;
      const p0 = await ch.positionOf(m, alice.address);
      const c = await curveOf(market);
      const q = closeLong(c, p0.size).quote - 10n * WAD; // just under the close value: a reduce
      const b = afterShort(c, q).base;
      expect(b < p0.size).to.equal(true);
      const cl = closeLong(c, b);
      const cn = closedNotional(p0.openNotional, b, p0.size, true);
      const left = p0.margin + cl.quote - cn - bpsUp(cl.quote, FEE_BPS);
      expect(left < 0n).to.equal(true);
      await expect(ch.connect(alice).openPosition(m, false, q, 0n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_NegativeMargin")
        .withArgs(storedMargin(left)); // the stored value: rounded toward −∞
      expect(storedMargin(left) < left, "left is off the 1e12 grid").to.equal(true);
    });

    it("withdrawReserve beyond the reserved share reverts Vamm_InsufficientReserve(amount, reserve)", async function () {
      const { clearingHouse: ch, market, admin, addresses } = await loadFixture(withBankruptLong);
      const reserve = (await market.marketState()).reservedShare;
      const amount6 = reserve / COLLATERAL_SCALE + 1n;
      await expect(ch.connect(admin).withdrawReserve(addresses.market, amount6, admin.address))
        .to.be.revertedWithCustomError(market, "Vamm_InsufficientReserve")
        .withArgs(amount6 * COLLATERAL_SCALE, reserve);
      await expect(ch.connect(admin).withdrawReserve(addresses.market, 1n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        ch,
        "CH_ZeroAddress",
      );
    });
  });

  // ================================================================ administration
  describe("market registration and deployment", function () {
    it("reverts CH_MarketAlreadyAdded, CH_MarketMismatch and CH_ZeroAddress", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, admin, addresses } = fx;
      await expect(ch.connect(admin).addMarket(addresses.market))
        .to.be.revertedWithCustomError(ch, "CH_MarketAlreadyAdded")
        .withArgs(addresses.market);
      await expect(ch.connect(admin).addMarket(ethers.ZeroAddress)).to.be.revertedWithCustomError(ch, "CH_ZeroAddress");
      const other = await deployVammMarket(admin, addresses.marketLib, {
        clearingHouse: admin.address,
        oracle: addresses.aggregator,
        admin: admin.address,
        sqrtK: WAD,
        peg: WAD,
        maxOpenInterest: WAD,
      });
      const otherAddr = await other.getAddress();
      await expect(ch.connect(admin).addMarket(otherAddr))
        .to.be.revertedWithCustomError(ch, "CH_MarketMismatch")
        .withArgs(otherAddr, admin.address);
    });

    it("admin entry points revert AccessControlUnauthorizedAccount(caller, role); pause state errors are OpenZeppelin's", async function () {
      const { clearingHouse: ch, traders, guardian, admin, roles, addresses } = await loadFixture(fixture);
      const t = traders[0];
      await expect(ch.connect(t).pause())
        .to.be.revertedWithCustomError(ch, "AccessControlUnauthorizedAccount")
        .withArgs(t.address, roles.GUARDIAN_ROLE);
      await expect(ch.connect(t).addMarket(addresses.market))
        .to.be.revertedWithCustomError(ch, "AccessControlUnauthorizedAccount")
        .withArgs(t.address, roles.DEFAULT_ADMIN_ROLE);
      await expect(ch.connect(t).withdrawReserve(addresses.market, 1n, t.address))
        .to.be.revertedWithCustomError(ch, "AccessControlUnauthorizedAccount")
        .withArgs(t.address, roles.DEFAULT_ADMIN_ROLE);
      await expect(ch.connect(admin).unpause()).to.be.revertedWithCustomError(ch, "ExpectedPause");
      await ch.connect(guardian).pause();
      await expect(ch.connect(guardian).pause()).to.be.revertedWithCustomError(ch, "EnforcedPause");
      await expect(ch.connect(guardian).unpause())
        .to.be.revertedWithCustomError(ch, "AccessControlUnauthorizedAccount")
        .withArgs(guardian.address, roles.DEFAULT_ADMIN_ROLE);
    });

    it("the constructor rejects a zero address and a collateral without 6 decimals", async function () {
      const { admin, addresses } = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("ClearingHouse");
      await expect(factory.deploy(ethers.ZeroAddress, admin.address)).to.be.revertedWithCustomError(
        factory,
        "CH_ZeroAddress",
      );
      await expect(factory.deploy(addresses.usdc, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        factory,
        "CH_ZeroAddress",
      );
      // The aggregator answers decimals() = 8.
      await expect(factory.deploy(addresses.aggregator, admin.address))
        .to.be.revertedWithCustomError(factory, "CH_UnsupportedCollateral")
        .withArgs(8);
    });

    it("a market on a feed with more than 18 decimals reverts Oracle_UnsupportedDecimals", async function () {
      const { admin, addresses, market } = await loadFixture(fixture);
      const feed = await (await ethers.getContractFactory("MockAggregator")).deploy(19, 10n ** 20n);
      await expect(
        deployVammMarket(admin, addresses.marketLib, {
          clearingHouse: addresses.clearingHouse,
          oracle: await feed.getAddress(),
          admin: admin.address,
          sqrtK: WAD,
          peg: WAD,
          maxOpenInterest: WAD,
        }),
      )
        .to.be.revertedWithCustomError(market, "Oracle_UnsupportedDecimals")
        .withArgs(19);
      const good = {
        clearingHouse: addresses.clearingHouse,
        oracle: addresses.aggregator,
        admin: admin.address,
        sqrtK: WAD,
        peg: WAD,
        maxOpenInterest: WAD,
      };
      for (const what of ["clearingHouse", "oracle", "admin"] as const) {
        await expect(deployVammMarket(admin, addresses.marketLib, { ...good, [what]: ethers.ZeroAddress }))
          .to.be.revertedWithCustomError(market, "Vamm_ZeroAddress")
          .withArgs(name(what));
      }
    });
  });
});
