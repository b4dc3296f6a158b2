import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { TransactionReceipt } from "ethers";
import { dammFixture, NO_DEADLINE } from "../helpers/deployFixture";
import type { DammFixture } from "../helpers/deployFixture";
import {
  WAD,
  afterLong,
  closeLong,
  feeSplit,
  MAX_POSITION_SIZE,
  positionFunding,
  STORAGE_GRID,
  storedMargin,
  storedNotional,
} from "../helpers/specMath";
import type { Curve } from "../helpers/specMath";
import { expectAddMarginSettlesFunding } from "../helpers/fundingExpect";

// Issue #2: a position is one storage slot (SPEC §8) — size int96 (exact), margin and open notional
// on the collateral's 1e-6 grid (margin down, notional against the trader), funding as an epoch
// whose indices the ClearingHouse keeps in a per-epoch history. Exact values from specMath.ts.

const fixture = dammFixture({ sqrtK: 100_000n * WAD, budget6: 0n, traderCount: 4 });
const Q = 10_000n * WAD;
const MARGIN = 2_000n * WAD;

async function curveOf(fx: DammFixture): Promise<Curve> {
  const st = await fx.market.marketState();
  return { x: st.baseReserve, y: st.quoteReserve, sqrtK: st.sqrtK, peg: st.peg };
}

describe("ClearingHouse one-slot positions (issue #2)", function () {
  describe("storage rounding", function () {
    it("margin is stored rounded down to 1e12 wei; the dust stays in the vault and the next close uses the stored value", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, usdc, traders, addresses } = fx;
      const [alice] = traders;
      const m = addresses.market;
      const dust = 123_456_789n; // < 1e12: below one token unit
      const marginToAdd = MARGIN + dust;
      const free0 = await ch.freeCollateral(alice.address);
      const vault0 = await usdc.balanceOf(addresses.clearingHouse);
      const f = feeSplit(Q);
      const exact = marginToAdd - f.fee;
      await expect(ch.connect(alice).openPosition(m, true, Q, marginToAdd, 0n, NO_DEADLINE))
        .to.emit(ch, "PositionChanged")
        .withArgs(alice.address, m, (v: bigint) => v > 0n, -Q, f.fee, 0n, (v: bigint) => v > 0n, exact - dust);
      expect(storedMargin(exact)).to.equal(exact - dust);
      const p = await ch.positionOf(m, alice.address);
      expect(p.margin).to.equal(exact - dust);
      expect(p.margin % STORAGE_GRID).to.equal(0n);
      // The whole marginToAdd left free collateral; no token moved: the dust is the vault's.
      expect(await ch.freeCollateral(alice.address)).to.equal(free0 - marginToAdd);
      expect(await usdc.balanceOf(addresses.clearingHouse)).to.equal(vault0);
      // A full close releases the stored margin + PnL − fee, exactly (no rounding on release).
      const cl = closeLong(await curveOf(fx), p.size);
      const fee = feeSplit(cl.quote).fee;
      const released = p.margin + cl.quote - p.openNotional - fee;
      await ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE);
      expect(await ch.freeCollateral(alice.address)).to.equal(free0 - marginToAdd + released);
    });

    it("open notional is rounded against the trader: up for a long, down for a short", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, traders, addresses } = fx;
      const [alice, bob] = traders;
      const m = addresses.market;
      const qLong = Q + 1n; // one wei over the grid
      const qShort = Q + STORAGE_GRID - 1n; // one wei under the next grid point
      await ch.connect(alice).openPosition(m, true, qLong, MARGIN, 0n, NO_DEADLINE);
      await ch.connect(bob).openPosition(m, false, qShort, MARGIN, 0n, NO_DEADLINE);
      const pl = await ch.positionOf(m, alice.address);
      const ps = await ch.positionOf(m, bob.address);
      expect(pl.openNotional).to.equal(Q + STORAGE_GRID);
      expect(storedNotional(qLong, true)).to.equal(Q + STORAGE_GRID);
      expect(ps.openNotional).to.equal(Q);
      expect(storedNotional(qShort, false)).to.equal(Q);
      // Margins: the fee ceil(q·10/1e4) is off the grid for both, so both are floored.
      expect(pl.margin).to.equal(storedMargin(MARGIN - feeSplit(qLong).fee));
      expect(ps.margin).to.equal(storedMargin(MARGIN - feeSplit(qShort).fee));
      expect(pl.margin < MARGIN - feeSplit(qLong).fee).to.equal(true);
    });

    it("the initial-margin check sees the stored values: a margin that is enough only before rounding reverts", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, traders, addresses } = fx;
      const [alice] = traders;
      const m = addresses.market;
      const q = Q + 1n; // stored notional Q + 1e12 (long: up)
      const f = feeSplit(q);
      const required = ((Q + STORAGE_GRID) * 1000n + 9_999n) / 10_000n; // ceil(stored notional · 10 %)
      // Exactly enough margin for the stored notional, in stored (floored) terms.
      const enough = -storedMargin(-required) + f.fee; // smallest marginToAdd whose stored margin ≥ required
      await expect(ch.connect(alice).openPosition(m, true, q, enough - 1n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(ch, "CH_BelowInitialMargin")
        .withArgs(storedMargin(enough - 1n - f.fee), required);
      await expect(ch.connect(alice).openPosition(m, true, q, enough, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      expect((await ch.positionOf(m, alice.address)).margin).to.equal(storedMargin(enough - f.fee));
    });
  });

  describe("size bound", function () {
    // sqrtK 7e10 base (near its uint96 bound) at a mark of 1e-6: a long of ~4e10 base, past the int96
    // bound of a position (2^95 − 1 wei ≈ 3.96e10 base), costs ~1e5 quote, bought in steps of ≤ 40 %
    // mark move (fluctuation limit raised to 50 %).
    const tinyPrice = dammFixture({
      sqrtK: 70_000_000_000n * WAD,
      peg: 10n ** 12n,
      oracleAnswer: 100n,
      maxOpenInterest: 70_000_000_000n * WAD,
      budget6: 0n,
      traderCount: 1,
    });

    it("an increase past 2^95 − 1 base reverts CH_PositionTooLarge(size, max); below it the size is stored exactly", async function () {
      const fx = await loadFixture(tinyPrice);
      const { clearingHouse: ch, market, paramAdmin, traders, addresses } = fx;
      const [alice] = traders;
      const m = addresses.market;
      await market.connect(paramAdmin).setParameter(ethers.encodeBytes32String("fluctuationLimitBps"), 5000n);
      let size = 0n;
      for (let step = 0; ; step++) {
        expect(step, "steps").to.be.below(10);
        const c = await curveOf(fx);
        const q = (c.y * c.peg * 17n) / 100n / WAD; // y × 1.17: mark × 1.37
        const o = afterLong(c, q);
        if (size + o.base > MAX_POSITION_SIZE) {
          await expect(ch.connect(alice).openPosition(m, true, q, q / 5n, 0n, NO_DEADLINE))
            .to.be.revertedWithCustomError(ch, "CH_PositionTooLarge")
            .withArgs(size + o.base, MAX_POSITION_SIZE);
          break;
        }
        await ch.connect(alice).openPosition(m, true, q, q / 5n, 0n, NO_DEADLINE);
        size += o.base;
        expect((await ch.positionOf(m, alice.address)).size).to.equal(size);
      }
      expect(size > MAX_POSITION_SIZE / 2n, "the bound was approached").to.equal(true);
    });
  });

  describe("funding epochs", function () {
    /** Settles one period with the oracle at `answer8`; returns the period's (fLong, fShort). */
    async function settle(fx: DammFixture, answer8: bigint): Promise<{ fLong: bigint; fShort: bigint; rc: TransactionReceipt }> {
      await time.increase(3600);
      await fx.aggregator.setAnswer(answer8);
      const rc = (await (await fx.market.settleFunding()).wait())!;
      const ev = rc.logs.map((l) => fx.market.interface.parseLog(l)).find((e) => e?.name === "FundingSettled");
      return { fLong: ev!.args.fLong as bigint, fShort: ev!.args.fShort as bigint, rc };
    }

    it("each settlement checkpoints the indices under the ending epoch; fundingIndicesAt reads them back", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, traders, addresses } = fx;
      const m = addresses.market;
      await ch.connect(traders[0]).openPosition(m, true, 3n * Q, 3n * MARGIN, 0n, NO_DEADLINE);
      await ch.connect(traders[1]).openPosition(m, false, Q, MARGIN, 0n, NO_DEADLINE);
      let cumLong = 0n;
      let cumShort = 0n;
      const seen: [bigint, bigint][] = [[0n, 0n]]; // epoch 1
      for (const answer of [99n, 98n, 101n]) {
        const { fLong, fShort, rc } = await settle(fx, answer * 10n ** 8n);
        cumLong += fLong;
        cumShort += fShort;
        seen.push([cumLong, cumShort]);
        const upd = rc.logs.map((l) => ch.interface.parseLog(l)).find((e) => e?.name === "FundingIndicesUpdated");
        expect([upd!.args.cumFundingLong, upd!.args.cumFundingShort, upd!.args.epoch]).to.deep.equal([cumLong, cumShort, BigInt(seen.length)]);
      }
      expect(await ch.fundingIndices(m)).to.deep.equal([cumLong, cumShort, 4n]);
      for (let e = 1; e <= 4; e++) expect(await ch.fundingIndicesAt(m, e)).to.deep.equal(seen[e - 1]);
      await expect(ch.fundingIndicesAt(m, 0n)).to.be.revertedWithCustomError(ch, "CH_UnknownFundingEpoch").withArgs(m, 0n, 4n);
      await expect(ch.fundingIndicesAt(m, 5n)).to.be.revertedWithCustomError(ch, "CH_UnknownFundingEpoch").withArgs(m, 5n, 4n);
      await expect(ch.fundingIndicesAt(addresses.usdc, 1n))
        .to.be.revertedWithCustomError(ch, "CH_UnknownFundingEpoch")
        .withArgs(addresses.usdc, 1n, 0n);
    });

    it("a position untouched for N settlements settles size · (sum of the N rates) once, from its epoch's checkpoint", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, traders, addresses } = fx;
      const [alice, bob, carol] = traders;
      const m = addresses.market;
      await ch.connect(alice).openPosition(m, true, 3n * Q, 3n * MARGIN, 0n, NO_DEADLINE);
      await ch.connect(bob).openPosition(m, false, Q, MARGIN, 0n, NO_DEADLINE);
      const rates: { fLong: bigint; fShort: bigint }[] = [];
      // Oracle below, then above the mark: the indices move both ways.
      for (const answer of [99n, 97n, 103n, 98n]) {
        rates.push(await settle(fx, answer * 10n ** 8n));
        // Carol trades in epoch 3: she starts there and owes only what follows.
        if (rates.length === 2) await ch.connect(carol).openPosition(m, true, Q, MARGIN, 0n, NO_DEADLINE);
      }
      const sumLong = rates.reduce((a, r) => a + r.fLong, 0n);
      const sumShort = rates.reduce((a, r) => a + r.fShort, 0n);
      expect(rates.some((r) => r.fLong > 0n) && rates.some((r) => r.fLong < 0n), "rates of both signs").to.equal(true);
      const pc = await ch.positionOf(m, carol.address);
      expect(pc.fundingEpoch).to.equal(3n);
      const sumLongCarol = rates.slice(2).reduce((a, r) => a + r.fLong, 0n);
      for (const [t, isLong, sum] of [
        [alice, true, sumLong],
        [bob, false, sumShort],
        [carol, true, sumLongCarol],
      ] as const) {
        const p = await ch.positionOf(m, t.address);
        const owed = positionFunding(p.size, sum, 0n);
        expect(owed, "non-zero funding").to.not.equal(0n);
        await expectAddMarginSettlesFunding(ch, m, t, owed, 5n);
        // Settled once on the sum: never more than settling each period (ceil of a sum ≤ sum of ceils).
        const perPeriod = rates
          .slice(t === carol ? 2 : 0)
          .reduce((a, r) => a + positionFunding(p.size, isLong ? r.fLong : r.fShort, 0n), 0n);
        expect(owed <= perPeriod).to.equal(true);
      }
      // A second touch in the same epoch settles nothing.
      await expect(ch.connect(alice).addMargin(m, WAD)).to.not.emit(ch, "FundingPaid");
    });
  });
});
