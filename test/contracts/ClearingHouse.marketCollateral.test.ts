import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { dammFixture, deployVammMarket, NO_DEADLINE, USDC, WAD, type DammFixture } from "../helpers/deployFixture";
import { MockAggregator__factory, type MockAggregator, type VammMarket } from "../../typechain-types";

// Per-market collateral (SPEC §3, issue 13 attack 4): the ClearingHouse keeps, per market, the
// collateral that backs it; every payout from a market is capped by it, the excess becomes a claim on
// that market (MarketPayoutShort, claimOf / claimsOf) and the market goes reduce-only. So the vault
// always holds Σ free collateral + Σ market collateral, and one market's bankruptcy never reaches the
// collateral of another.

const b32 = (s: string): string => ethers.encodeBytes32String(s);
const answer8 = (priceWad: bigint): bigint => priceWad / 10n ** 10n;
// Market A: shallow (1e7 quote of depth) with an empty budget, as in attack 4.
// Alice's 10× long, large enough that Bob's gain from it exceeds her margin plus the fees A collected.
const ALICE_NOTIONAL = 80_000n * WAD;
const ALICE_MARGIN = 8_500n * WAD;
const fixture = dammFixture({ sqrtK: 100_000n * WAD, budget6: 0n, traderCount: 6 });

interface TwoMarkets extends DammFixture {
  readonly marketB: VammMarket;
  readonly b: string;
  /** Market B's own feed (B is another asset: A's crash does not move it). */
  readonly aggregatorB: MockAggregator;
}

/** Market B: a second, deep market on its own oracle with its own funded budget; one trader long on it. */
async function withTwoMarkets(): Promise<TwoMarkets> {
  const fx = await fixture();
  const { admin, clearingHouse: ch, traders, addresses } = fx;
  const aggregatorB = await new MockAggregator__factory(admin).deploy(8, 100n * 10n ** 8n);
  const marketB = await deployVammMarket(admin, addresses.marketLib, {
    clearingHouse: addresses.clearingHouse,
    oracle: await aggregatorB.getAddress(),
    admin: admin.address,
    sqrtK: 1_000_000n * WAD,
    peg: 100n * WAD,
    maxOpenInterest: 1_000_000n * WAD,
  });
  const b = await marketB.getAddress();
  await ch.connect(admin).addMarket(b);
  await ch.connect(admin).fundBudget(b, 50_000n * USDC);
  await fx.market.connect(fx.paramAdmin).setParameter(b32("fluctuationLimitBps"), 5000n);
  await ch.connect(traders[4]).openPosition(b, true, 50_000n * WAD, 10_000n * WAD, 0n, NO_DEADLINE);
  return { ...fx, marketB, b, aggregatorB };
}

/** Vault balance (WAD) minus Σ free collateral of every account the fixture uses minus Σ market collateral. */
async function vaultSurplus(fx: TwoMarkets): Promise<bigint> {
  const { clearingHouse: ch, usdc, admin, liquidator, traders, addresses } = fx;
  const balance = (await usdc.balanceOf(addresses.clearingHouse)) * 10n ** 12n;
  let free = 0n;
  for (const a of [admin, liquidator, ...traders]) free += await ch.freeCollateral(a.address);
  return balance - free - (await ch.marketCollateral(addresses.market)) - (await ch.marketCollateral(fx.b));
}

/**
 * The winner closes first (attack 4): Bob's long lifts A's mark ~18 %, Alice (~10×) buys on top, Bob sells
 * back in profit before anyone liquidates Alice; the oracle follows the mark, so Alice is bankrupt and
 * nobody holds the profitable side any more.
 */
async function winnerClosedFirst(): Promise<TwoMarkets> {
  const fx = await withTwoMarkets();
  const { clearingHouse: ch, market, aggregator, traders, addresses } = fx;
  const m = addresses.market;
  await ch.connect(traders[1]).openPosition(m, true, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
  await ch.connect(traders[0]).openPosition(m, true, ALICE_NOTIONAL, ALICE_MARGIN, 0n, NO_DEADLINE);
  await ch.connect(traders[1]).closePosition(m, 0n, 0n, NO_DEADLINE);
  await aggregator.setAnswer(answer8(await market.markPrice()));
  return fx;
}

describe("ClearingHouse per-market collateral (issue 13, attack 4)", function () {
  describe("the market's account", function () {
    it("counts margins in and payouts out, and budget funded", async function () {
      const fx = await loadFixture(withTwoMarkets);
      const { clearingHouse: ch, traders, b, admin } = fx;
      const start = await ch.marketCollateral(b);
      expect(start).to.equal(50_000n * WAD + 10_000n * WAD);
      await ch.connect(traders[3]).openPosition(b, false, 10_000n * WAD, 1_500n * WAD, 0n, NO_DEADLINE);
      expect(await ch.marketCollateral(b)).to.equal(start + 1_500n * WAD);
      await ch.connect(traders[3]).addMargin(b, 500n * WAD);
      expect(await ch.marketCollateral(b)).to.equal(start + 2_000n * WAD);
      await ch.connect(traders[3]).removeMargin(b, 300n * WAD);
      expect(await ch.marketCollateral(b)).to.equal(start + 1_700n * WAD);
      await ch.connect(admin).fundBudget(b, 1_000n * USDC);
      expect(await ch.marketCollateral(b)).to.equal(start + 2_700n * WAD);
      const freeBefore = await ch.freeCollateral(traders[3].address);
      await ch.connect(traders[3]).closePosition(b, 0n, 0n, NO_DEADLINE);
      const paid = (await ch.freeCollateral(traders[3].address)) - freeBefore;
      expect(await ch.marketCollateral(b)).to.equal(start + 2_700n * WAD - paid);
      expect(await ch.claimOf(b, traders[3].address)).to.equal(0n);
      expect(await vaultSurplus(fx)).to.be.gte(0n);
    });

    it("refuses a margin removal or reserve withdrawal beyond what the market holds: CH_MarketCollateralShort", async function () {
      const fx = await loadFixture(winnerClosedFirst);
      const { clearingHouse: ch, admin, addresses } = fx;
      const m = addresses.market;
      const held = await ch.marketCollateral(m);
      const reserve6 = (await fx.market.marketState()).reservedShare / 10n ** 12n;
      expect(reserve6 * 10n ** 12n > held).to.equal(true);
      await expect(ch.connect(admin).withdrawReserve(m, reserve6, admin.address))
        .to.be.revertedWithCustomError(ch, "CH_MarketCollateralShort")
        .withArgs(m, held, reserve6 * 10n ** 12n);
    });
  });

  describe("when the winner closed before the loser went bankrupt", function () {
    it("paid the winner only from market A's collateral, the rest as a claim on A", async function () {
      const fx = await withTwoMarkets();
      const { clearingHouse: ch, traders, addresses, market } = fx;
      const m = addresses.market;
      await ch.connect(traders[1]).openPosition(m, true, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
      await ch.connect(traders[0]).openPosition(m, true, ALICE_NOTIONAL, ALICE_MARGIN, 0n, NO_DEADLINE);
      const held = await ch.marketCollateral(m);
      const heldB = await ch.marketCollateral(fx.b);
      const bob = traders[1].address;
      const freeBefore = await ch.freeCollateral(bob);
      const p = await ch.positionOf(m, bob);
      const [closeValue, fee] = await market.previewClose(p.size, p.size);
      const owed = p.margin + closeValue - p.openNotional - fee; // full close of a long: margin + pnl − fee
      expect(owed > held, "Bob's gain exceeds what market A holds (Alice's margin is smaller than it)").to.equal(true);
      const tx = ch.connect(traders[1]).closePosition(m, 0n, 0n, NO_DEADLINE);
      await expect(tx).to.emit(ch, "MarketPayoutShort").withArgs(m, bob, owed, held);
      await expect(tx).to.emit(market, "ReduceOnlySet").withArgs(false, true);
      expect((await ch.freeCollateral(bob)) - freeBefore).to.equal(held);
      expect(await ch.marketCollateral(m)).to.equal(0n);
      expect(await ch.claimOf(m, bob)).to.equal(owed - held);
      expect(await ch.claimsOf(m)).to.equal(owed - held);
      expect(await ch.marketCollateral(fx.b), "market B untouched").to.equal(heldB);
      expect(await vaultSurplus(fx)).to.be.gte(0n);
    });

    it("liquidating the bankrupt loser takes nothing from market B; B's trader withdraws in full", async function () {
      const fx = await loadFixture(winnerClosedFirst);
      const { clearingHouse: ch, traders, liquidator, addresses, usdc, market } = fx;
      const m = addresses.market;
      const heldB = await ch.marketCollateral(fx.b);
      const freeLiq = await ch.freeCollateral(liquidator.address);
      const rc = await (await ch.connect(liquidator).liquidate(traders[0].address, m, 0n)).wait();
      const bd = rc!.logs.map((l) => ch.interface.parseLog(l)).find((e) => e?.name === "BadDebtRecorded");
      expect(bd!.args.uncovered > 0n, "Alice's bad debt is not covered").to.equal(true);
      const liq = rc!.logs.map((l) => ch.interface.parseLog(l)).find((e) => e?.name === "Liquidated");
      const toLiquidator = liq!.args.toLiquidator as bigint;
      // Market A holds nothing: the liquidator's share becomes a claim on A, not a payment from B.
      await expect(rc).to.emit(ch, "MarketPayoutShort").withArgs(m, liquidator.address, toLiquidator, 0n);
      expect(await ch.freeCollateral(liquidator.address)).to.equal(freeLiq);
      expect(await ch.claimOf(m, liquidator.address)).to.equal(toLiquidator);
      expect(await ch.marketCollateral(fx.b)).to.equal(heldB);
      expect((await market.marketState()).reduceOnly).to.equal(true);
      expect(await vaultSurplus(fx)).to.be.gte(0n);

      // B's trader closes and withdraws everything; so does every other account with free collateral.
      const carol = traders[4];
      await ch.connect(carol).closePosition(fx.b, 0n, 0n, NO_DEADLINE);
      expect(await ch.claimOf(fx.b, carol.address)).to.equal(0n);
      for (const a of [fx.admin, liquidator, ...traders]) {
        const free6 = (await ch.freeCollateral(a.address)) / 10n ** 12n;
        if (free6 > 0n) await ch.connect(a).withdraw(free6);
      }
      expect(await vaultSurplus(fx)).to.be.gte(0n);
      expect((await usdc.balanceOf(addresses.clearingHouse)) * 10n ** 12n).to.be.gte(await ch.marketCollateral(fx.b));
    });

    it("redeemClaim pays a claim only from the same market's collateral, never from another's", async function () {
      const fx = await loadFixture(winnerClosedFirst);
      const { clearingHouse: ch, traders, admin, addresses } = fx;
      const m = addresses.market;
      const bob = traders[1];
      const claim = await ch.claimOf(m, bob.address);
      expect(claim > 0n).to.equal(true);
      expect(await ch.marketCollateral(m)).to.equal(0n);
      const heldB = await ch.marketCollateral(fx.b);
      // A holds nothing; B's collateral is not A's to pay with.
      await expect(ch.connect(bob).redeemClaim(m)).to.be.revertedWithCustomError(ch, "CH_NoClaim").withArgs(m, claim, 0n);
      // Someone refills A's budget: that collateral backs A, and the claim is paid from it.
      await ch.connect(admin).fundBudget(m, 1_000n * USDC);
      const paid = claim < 1_000n * WAD ? claim : 1_000n * WAD;
      await expect(ch.connect(bob).redeemClaim(m)).to.emit(ch, "ClaimRedeemed").withArgs(m, bob.address, paid, claim - paid);
      expect(await ch.claimOf(m, bob.address)).to.equal(claim - paid);
      expect(await ch.claimsOf(m)).to.equal(claim - paid);
      expect(await ch.marketCollateral(fx.b)).to.equal(heldB);
      await expect(ch.connect(traders[2]).redeemClaim(m))
        .to.be.revertedWithCustomError(ch, "CH_NoClaim")
        .withArgs(m, 0n, await ch.marketCollateral(m));
      expect(await vaultSurplus(fx)).to.be.gte(0n);
    });
  });

  describe("after any sequence (fast-check, 60 random sequences over two markets)", function () {
    type Step =
      | { readonly kind: "open"; readonly inA: boolean; readonly who: number; readonly isLong: boolean; readonly notional: number; readonly lev: number }
      | { readonly kind: "close"; readonly inA: boolean; readonly who: number }
      | { readonly kind: "crashA"; readonly pct: number }
      | { readonly kind: "liquidate"; readonly inA: boolean; readonly who: number }
      | { readonly kind: "redeem"; readonly who: number }
      | { readonly kind: "whaleA"; readonly who: number; readonly isLong: boolean };
    const who = fc.integer({ min: 0, max: 3 });
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant("open" as const), inA: fc.boolean(), who, isLong: fc.boolean(), notional: fc.integer({ min: 1_000, max: 300_000 }), lev: fc.integer({ min: 2, max: 9 }) }),
      fc.record({ kind: fc.constant("close" as const), inA: fc.boolean(), who }),
      fc.record({ kind: fc.constant("crashA" as const), pct: fc.integer({ min: 5, max: 40 }) }),
      fc.record({ kind: fc.constant("liquidate" as const), inA: fc.boolean(), who }),
      fc.record({ kind: fc.constant("redeem" as const), who }),
      // A whale moves thin market A by ~18 %: with a follower and the whale's close, the winner-first path.
      fc.record({ kind: fc.constant("whaleA" as const), who, isLong: fc.boolean() }),
    );

    it("the vault holds Σ free + Σ market collateral, and B's traders close and withdraw in full whatever A does", async function () {
      let runsWithClaimsOnA = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 6, maxLength: 14 }), async (steps) => {
          const fx = await loadFixture(withTwoMarkets);
          const { clearingHouse: ch, market, aggregator, traders, liquidator, addresses } = fx;
          const m = addresses.market;
          const mkt = (inA: boolean): string => (inA ? m : fx.b);
          for (const s of steps) {
            try {
              if (s.kind === "open") {
                const q = BigInt(s.notional) * WAD;
                await ch.connect(traders[s.who]).openPosition(mkt(s.inA), s.isLong, q, q / BigInt(s.lev), 0n, NO_DEADLINE);
              } else if (s.kind === "close") {
                await ch.connect(traders[s.who]).closePosition(mkt(s.inA), 0n, 0n, NO_DEADLINE);
              } else if (s.kind === "crashA") {
                const mark = await market.markPrice();
                await aggregator.setAnswer(answer8((mark * BigInt(100 - s.pct)) / 100n));
              } else if (s.kind === "liquidate") {
                await ch.connect(liquidator).liquidate(traders[s.who].address, mkt(s.inA), 0n);
              } else if (s.kind === "whaleA") {
                await ch.connect(traders[s.who]).openPosition(m, s.isLong, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE);
              } else {
                await ch.connect(traders[s.who]).redeemClaim(m);
              }
            } catch {
              // Refused steps (margin, limits, not liquidatable, nothing to redeem) are part of the sequence.
            }
            expect(await vaultSurplus(fx), "vault ≥ Σ free + Σ market collateral").to.be.gte(0n);
          }
          if ((await ch.claimsOf(m)) > 0n) runsWithClaimsOnA += 1;
          // B's traders close (B's oracle never moved) and everyone withdraws all free collateral.
          for (const t of traders) {
            if ((await ch.positionOf(fx.b, t.address)).size !== 0n) await ch.connect(t).closePosition(fx.b, 0n, 0n, NO_DEADLINE);
          }
          if ((await ch.uncoveredBadDebtOf(fx.b)) === 0n) {
            expect(await ch.claimsOf(fx.b), "B paid every close in full").to.equal(0n);
          }
          for (const a of [fx.admin, liquidator, ...traders]) {
            const free6 = (await ch.freeCollateral(a.address)) / 10n ** 12n;
            if (free6 > 0n) await ch.connect(a).withdraw(free6);
          }
          expect(await vaultSurplus(fx)).to.be.gte(0n);
        }),
        { numRuns: 60, seed: 13 },
      );
      // The sequences reach the case the rule exists for: a payout from A beyond A's collateral.
      expect(runsWithClaimsOnA, "runs ending with claims on A").to.be.greaterThan(0);
    });
  });
});
