import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { dammFixture, NO_DEADLINE, WAD, type DammFixture } from "../helpers/deployFixture";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { bpsUp, ceilDiv } from "../helpers/specMath";

// Issue 13, ClearingHouse side (SPEC §3): opens and margin removals need a valid oracle while closes,
// margin additions and liquidations do not; margin and liquidation are judged on the oracle price
// (its last valid answer when the oracle is bad), never on the curve; a market's uncovered bad debt
// is socialised onto its own profitable side and the market goes reduce-only.

const b32 = (s: string): string => ethers.encodeBytes32String(s);
// A shallow market (1e7 quote of depth) with an empty budget: whale trades move the mark by percents.
const fixture = dammFixture({ sqrtK: 100_000n * WAD, budget6: 0n, traderCount: 6 });
const answer8 = (priceWad: bigint): bigint => priceWad / 10n ** 10n;
/** |size|·price: floor for a long, ceil for a short (SPEC §3). */
const marginValue = (size: bigint, price: bigint): bigint => (size > 0n ? (size * price) / WAD : ceilDiv(-size * price, WAD));

/** Alice long 20,000 quote at 10.1 % margin; the fluctuation limit opened for whale pushes. */
async function withThinLong(): Promise<DammFixture> {
  const fx = await fixture();
  const { clearingHouse: ch, market, paramAdmin, traders } = fx;
  await market.connect(paramAdmin).setParameter(b32("fluctuationLimitBps"), 5000n);
  await ch.connect(traders[0]).openPosition(fx.addresses.market, true, 20_000n * WAD, 2_020n * WAD, 0n, NO_DEADLINE);
  return fx;
}

describe("ClearingHouse on the oracle price (issue 13)", function () {
  describe("with a bad oracle", function () {
    const bad: ReadonlyArray<{ readonly what: string; readonly set: (fx: DammFixture) => Promise<unknown>; readonly error: string; readonly args: (fx: DammFixture) => Promise<unknown[]> }> = [
      {
        what: "a non-positive answer",
        set: (fx) => fx.aggregator.setAnswer(-1n),
        error: "Oracle_NonPositiveAnswer",
        args: async () => [-1n],
      },
      {
        what: "an incomplete round",
        set: async (fx) => fx.aggregator.setRound(100n * 10n ** 8n, BigInt(await time.latest()), 1n),
        error: "Oracle_IncompleteRound",
        args: async (fx) => {
          const [roundId, , , , answeredInRound] = await fx.aggregator.latestRoundData();
          return [roundId, answeredInRound];
        },
      },
      {
        what: "a stale answer",
        set: async () => time.increase(3601),
        error: "Oracle_StaleAnswer",
        args: async (fx) => {
          const [, , , updatedAt] = await fx.aggregator.latestRoundData();
          return [updatedAt, 3600n];
        },
      },
    ];
    for (const b of bad) {
      it(`${b.what}: opens and removeMargin revert ${b.error}; closes, reduces, addMargin and liquidations pass`, async function () {
        const fx = await loadFixture(withThinLong);
        const { clearingHouse: ch, market, traders, addresses } = fx;
        const m = addresses.market;
        await ch.connect(traders[1]).openPosition(m, false, 10_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE);
        await b.set(fx);
        const args = await b.args(fx);
        await expect(ch.connect(traders[2]).openPosition(m, true, 1_000n * WAD, 200n * WAD, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, b.error)
          .withArgs(...args);
        await expect(ch.connect(traders[0]).openPosition(m, true, 1_000n * WAD, 0n, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, b.error)
          .withArgs(...args);
        await expect(ch.connect(traders[0]).removeMargin(m, 1n * WAD))
          .to.be.revertedWithCustomError(market, b.error)
          .withArgs(...args);
        await expect(ch.connect(traders[0]).addMargin(m, 100n * WAD)).to.emit(ch, "MarginChanged");
        await expect(ch.connect(traders[0]).openPosition(m, false, 1_000n * WAD, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged"); // a reduce
        await expect(ch.connect(traders[1]).closePosition(m, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
        // The margin price falls back on the last valid answer the market observed (the deploy answer, 100).
        const [price, valid] = await market.marginPrice();
        expect([price, valid]).to.deep.equal([100n * WAD, false]);
        await expect(ch.connect(traders[0]).closePosition(m, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      });
    }
  });

  describe("with a thin long and a curve pushed down (liquidation sandwich)", function () {
    it("is not liquidatable while the oracle holds: the curve is not the reference", async function () {
      const fx = await loadFixture(withThinLong);
      const { clearingHouse: ch, traders, liquidator, addresses } = fx;
      const m = addresses.market;
      // The attacker's short pushes the mark ~5 % down (curve-valued, the victim would be under maintenance).
      await ch.connect(traders[5]).openPosition(m, false, 250_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
      const p = await ch.positionOf(m, traders[0].address);
      const v = marginValue(p.size, 100n * WAD);
      await expect(ch.connect(liquidator).liquidate(traders[0].address, m, 0n))
        .to.be.revertedWithCustomError(ch, "CH_NotLiquidatable")
        .withArgs(p.margin + v - p.openNotional, bpsUp(v, 625n));
      expect(await ch.isLiquidatable(m, traders[0].address)).to.equal(false);
    });

    it("is liquidatable when the oracle falls even though the curve has not moved (the curve lags)", async function () {
      const fx = await loadFixture(withThinLong);
      const { clearingHouse: ch, market, aggregator, traders, liquidator, addresses } = fx;
      const m = addresses.market;
      const markBefore = await market.markPrice();
      await aggregator.setAnswer(answer8(96n * WAD)); // −4 %: equity ≈ 10 % − 4 % < 6.25 %
      const p = await ch.positionOf(m, traders[0].address);
      const v = marginValue(p.size, 96n * WAD);
      const equity = p.margin + v - p.openNotional;
      expect(equity * 10_000n < 625n * v).to.equal(true);
      expect(await ch.isLiquidatable(m, traders[0].address)).to.equal(true);
      expect(await ch.marginRatio(m, traders[0].address)).to.equal((equity * WAD) / v);
      await expect(ch.connect(liquidator).liquidate(traders[0].address, m, 0n)).to.emit(ch, "Liquidated");
      expect(markBefore > (await market.markPrice())).to.equal(true); // executed on the curve
    });
  });

  describe("with the mark pushed below the oracle (liquidation execution band)", function () {
    /** floor(√v) for bigint. */
    function isqrt(v: bigint): bigint {
      if (v < 2n) return v;
      let x = BigInt(Math.floor(Math.sqrt(Number(v))));
      while (x * x > v) x -= 1n;
      while ((x + 1n) * (x + 1n) <= v) x += 1n;
      return x;
    }

    /** Alice's long, a whale short pushing the mark ~5 % down, then the oracle falling to `oracle`. */
    async function pushedThenOracle(fx: DammFixture, oracle: bigint, pushQuote: bigint): Promise<void> {
      const { clearingHouse: ch, market, paramAdmin, aggregator, traders, addresses } = fx;
      await market.connect(paramAdmin).setParameter(b32("maxLiquidationSlippageBps"), 100n);
      await ch.connect(traders[5]).openPosition(addresses.market, false, pushQuote, 95_000n * WAD, 0n, NO_DEADLINE);
      await aggregator.setAnswer(answer8(oracle));
    }

    it("cuts a liquidation to the base that keeps the mark within maxLiquidationSlippageBps of the oracle", async function () {
      const fx = await loadFixture(withThinLong);
      const { clearingHouse: ch, market, traders, liquidator, addresses } = fx;
      await pushedThenOracle(fx, 96n * WAD, 270_000n * WAD);
      const st = await market.marketState();
      const bound = (96n * WAD * 9_900n) / 10_000n;
      const xm = (st.sqrtK * isqrt((st.peg * WAD * WAD) / bound)) / WAD;
      const bMax = xm - st.baseReserve;
      const p = await ch.positionOf(addresses.market, traders[0].address);
      expect(bMax > 0n && bMax < p.size, `band room ${bMax} of ${p.size}`).to.equal(true);
      expect(await market.maxLiquidationBase(true, 96n * WAD)).to.equal(bMax);
      await expect(ch.connect(liquidator).liquidate(traders[0].address, addresses.market, 0n))
        .to.emit(ch, "Liquidated")
        .withArgs(traders[0].address, addresses.market, liquidator.address, bMax, anyValue, anyValue, anyValue, anyValue);
      expect((await market.markPrice()) >= bound).to.equal(true);
      expect((await ch.positionOf(addresses.market, traders[0].address)).size).to.equal(p.size - bMax);
    });

    it("refuses CH_LiquidationBeyondBand(mark, oracle) when the mark is already beyond the band", async function () {
      const fx = await loadFixture(withThinLong);
      const { clearingHouse: ch, market, traders, liquidator, addresses } = fx;
      await pushedThenOracle(fx, 96n * WAD, 300_000n * WAD); // band floor 95.04 > the pushed mark
      expect(await ch.isLiquidatable(addresses.market, traders[0].address)).to.equal(true);
      expect((await market.markPrice()) < (96n * WAD * 9_900n) / 10_000n).to.equal(true);
      await expect(ch.connect(liquidator).liquidate(traders[0].address, addresses.market, 0n))
        .to.be.revertedWithCustomError(ch, "CH_LiquidationBeyondBand")
        .withArgs(await market.markPrice(), 96n * WAD);
    });
  });

  describe("with uncovered bad debt (cross-market isolation)", function () {
    /** A 10× long that the oracle puts deep under water while a whale short holds the other side. */
    async function withBankruptLong(): Promise<DammFixture> {
      const fx = await withThinLong();
      const { clearingHouse: ch, market, aggregator, traders } = fx;
      const m = fx.addresses.market;
      await ch.connect(traders[5]).openPosition(m, false, 800_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
      await aggregator.setAnswer(answer8(await market.markPrice()));
      return fx;
    }

    it("socialises the uncovered part onto the short side through a funding epoch and goes reduce-only", async function () {
      const fx = await loadFixture(withBankruptLong);
      const { clearingHouse: ch, market, traders, liquidator, addresses } = fx;
      const m = addresses.market;
      const [, shortOI] = await market.openInterest();
      const rc = await (await ch.connect(liquidator).liquidate(traders[0].address, m, 0n)).wait();
      const ev = rc!.logs.map((l) => ch.interface.parseLog(l)).find((e) => e?.name === "BadDebtRecorded");
      const uncovered = ev!.args.uncovered as bigint;
      expect(uncovered > 0n, "the empty budget and small reserve leave some uncovered").to.equal(true);
      const perBase = ceilDiv(uncovered * WAD, shortOI);
      await expect(rc).to.emit(ch, "BadDebtSocialized").withArgs(m, uncovered, 0n, 0n, -perBase);
      await expect(rc).to.emit(market, "ReduceOnlySet").withArgs(false, true);
      expect(await ch.uncoveredBadDebtOf(m)).to.equal(uncovered);
      expect(await ch.unsocializedBadDebt(m)).to.equal(0n);
      // The whale short pays its share at its next settlement: size · perBase (ceil).
      const whale = await ch.positionOf(m, traders[5].address);
      expect(await ch.pendingFunding(m, traders[5].address)).to.equal(ceilDiv(-whale.size * perBase, WAD));
      await expect(ch.connect(traders[2]).openPosition(m, true, 1_000n * WAD, 200n * WAD, 0n, NO_DEADLINE)).to.be.revertedWithCustomError(
        market,
        "Vamm_ReduceOnly",
      );
    });

    it("records it as unsocialised (and goes reduce-only) when the profitable side has no open interest", async function () {
      const fx = await fixture();
      const { clearingHouse: ch, market, aggregator, admin, paramAdmin, traders, liquidator, addresses } = fx;
      const m = addresses.market;
      await market.connect(paramAdmin).setParameter(b32("fluctuationLimitBps"), 5000n);
      // Bob's long lifts the mark ~18 %, Alice buys on top, Bob sells back: Alice is under water on the
      // curve and at the oracle, and nobody is short (the AMM holds the other side).
      await ch.connect(traders[1]).openPosition(m, true, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
      await ch.connect(traders[0]).openPosition(m, true, 20_000n * WAD, 2_020n * WAD, 0n, NO_DEADLINE);
      await ch.connect(traders[1]).closePosition(m, 0n, 0n, NO_DEADLINE);
      await aggregator.setAnswer(answer8(await market.markPrice()));
      // Bob's gain was paid out of the collateral behind the reserve, so the reserve cannot be withdrawn
      // whole (SPEC §3, per-market collateral); what the market still holds is, and only the fee-fed
      // budget and the rest of the reserve stand before the debt.
      const reserve6 = (await market.marketState()).reservedShare / 10n ** 12n;
      const held = await ch.marketCollateral(m);
      expect(held < reserve6 * 10n ** 12n, "the winner's close took collateral the reserve counted on").to.equal(true);
      await expect(ch.connect(admin).withdrawReserve(m, reserve6, admin.address))
        .to.be.revertedWithCustomError(ch, "CH_MarketCollateralShort")
        .withArgs(m, held, reserve6 * 10n ** 12n);
      await ch.connect(admin).withdrawReserve(m, held / 10n ** 12n, admin.address);
      const [, shortOI] = await market.openInterest();
      expect(shortOI).to.equal(0n);
      const rc = await (await ch.connect(liquidator).liquidate(traders[0].address, m, 0n)).wait();
      const ev = rc!.logs.map((l) => ch.interface.parseLog(l)).find((e) => e?.name === "BadDebtRecorded");
      const uncovered = ev!.args.uncovered as bigint;
      expect(uncovered > 0n, "setup leaves uncovered bad debt").to.equal(true);
      await expect(rc).to.emit(ch, "BadDebtSocialized").withArgs(m, 0n, uncovered, 0n, 0n);
      expect(await ch.unsocializedBadDebt(m)).to.equal(uncovered);
      expect(await ch.uncoveredBadDebtOf(m)).to.equal(uncovered);
      expect((await market.marketState()).reduceOnly).to.equal(true);
    });
  });
});
