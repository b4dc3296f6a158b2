import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, COLLATERAL_SCALE, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { addThinMarket, type ThinMarket, answerOf, findEvent, show } from "./attackKit";

// Issue 13, attack 4 (cross-market bad debt). A thin second market with no budget; a 10× long there is
// pushed under water on the curve, 2 % a block, and nobody liquidates it for 8 blocks. On main the bad
// debt beyond that market's reserve and budget was recorded as "uncovered" and paid silently out of
// the shared vault — out of the collateral of the other market's traders, first come first served.
// The regression: the thin market's traders take everything they can out first; the main market's
// traders are still owed no more than the vault holds, i.e. not one unit of the thin market's bad debt
// is paid from collateral that backs the other market.

interface Thin extends ThinMarket {
  readonly fx: DammFixture;
}

const THIN_SQRT_K = 100_000n * WAD; // 1e7 quote of depth at peg 100: a tenth of the main market's
const VICTIM_QUOTE = 90_000n * WAD; // twice, in two blocks (each ≈ 1.8 % of the thin mark)
const PUSH_QUOTE = 90_000n * WAD; // ≈ 1.8 % of the thin market's mark per block

async function fixture(): Promise<Thin> {
  const fx = await deployDammFixture({ traderCount: 6 });
  const { clearingHouse: ch, traders } = fx;
  const { thin, thinOracle, thinAddr } = await addThinMarket(fx, { sqrtK: THIN_SQRT_K, maxOpenInterest: 1_000_000n * WAD });
  // The main market's traders (3, 4, 5): ordinary positions, both sides.
  const m = fx.addresses.market;
  await (await ch.connect(traders[3]).openPosition(m, true, 200_000n * WAD, 40_000n * WAD, 0n, NO_DEADLINE)).wait();
  await (await ch.connect(traders[4]).openPosition(m, false, 150_000n * WAD, 30_000n * WAD, 0n, NO_DEADLINE)).wait();
  await (await ch.connect(traders[5]).openPosition(m, true, 50_000n * WAD, 10_000n * WAD, 0n, NO_DEADLINE)).wait();
  // The thin market's victim: 10× long, opened in two blocks.
  for (let i = 0; i < 2; i++) {
    await (await ch.connect(traders[0]).openPosition(thinAddr, true, VICTIM_QUOTE, 9_090n * WAD, 0n, NO_DEADLINE)).wait();
  }
  await (await thinOracle.setAnswer(answerOf(await thin.markPrice()))).wait();
  return { fx, thin, thinOracle, thinAddr };
}

/** Two traders short the thin market, one trade a block for `blocks` blocks; the oracle follows the mark. */
async function pushDown(t: Thin, blocks: number): Promise<void> {
  const { fx, thin, thinOracle, thinAddr } = t;
  for (let i = 0; i < blocks; i++) {
    const who = fx.traders[1 + (i % 2)];
    await (await fx.clearingHouse.connect(who).openPosition(thinAddr, false, PUSH_QUOTE, 10_000n * WAD, 0n, NO_DEADLINE)).wait();
    await (await thinOracle.setAnswer(answerOf(await thin.markPrice()))).wait();
  }
}

/** What the main market's traders are owed: free collateral plus each position's equity net of the close fee. */
async function mainClaims(t: Thin): Promise<bigint> {
  const { fx } = t;
  const { clearingHouse: ch, market, traders } = fx;
  const st = await market.marketState();
  let claims = st.budget + st.reservedShare;
  for (const tr of traders.slice(3)) {
    claims += await ch.freeCollateral(tr.address);
    const p = await ch.positionOf(fx.addresses.market, tr.address);
    if (p.size === 0n) continue;
    const [quote, fee] = await market.previewClose(p.size, p.size < 0n ? -p.size : p.size);
    const pnl = p.size > 0n ? quote - p.openNotional : p.openNotional - quote;
    const equity = p.margin + pnl - (await ch.pendingFunding(fx.addresses.market, tr.address)) - fee;
    if (equity > 0n) claims += equity;
  }
  return claims;
}

describe("Attack 4: cross-market bad debt (issue 13)", function () {
  describe("a thin market with no budget, its 10× long left unliquidated for 8 blocks of 1.8 % pushes", function () {
    it("the bad debt is not paid from collateral backing the main market", async function () {
      const t = await loadFixture(fixture);
      const { fx, thinAddr } = t;
      const { clearingHouse: ch, traders, liquidator, usdc } = fx;
      await pushDown(t, 8);
      const uncovered0 = await ch.uncoveredBadDebt();
      const rc = await (await ch.connect(liquidator).liquidate(traders[0].address, thinAddr, 0n)).wait();
      const bad = findEvent(ch, [rc!], "BadDebtRecorded");
      expect(bad, "the liquidation left bad debt (the attack's premise)").to.not.equal(null);
      show("bad debt", {
        amount: bad!.args.amount as bigint,
        fromReserve: bad!.args.fromReserve as bigint,
        fromBudget: bad!.args.fromBudget as bigint,
        uncovered: bad!.args.uncovered as bigint,
        uncoveredBadDebt: (await ch.uncoveredBadDebt()) - uncovered0,
      });
      // Socialised explicitly on the thin market: an event with the figures, a per-market figure anyone
      // can read, and the market reduce-only.
      const uncovered = bad!.args.uncovered as bigint;
      const soc = findEvent(ch, [rc!], "BadDebtSocialized");
      expect(soc, "BadDebtSocialized").to.not.equal(null);
      expect(soc!.args.market).to.equal(thinAddr);
      expect((soc!.args.socialized as bigint) + (soc!.args.unsocialized as bigint)).to.equal(uncovered);
      expect(await ch.uncoveredBadDebtOf(thinAddr)).to.equal(uncovered);
      expect(await ch.uncoveredBadDebtOf(fx.addresses.market)).to.equal(0n);
      expect((await t.thin.marketState()).reduceOnly).to.equal(true);
      await expect(ch.connect(traders[5]).openPosition(thinAddr, true, 1_000n * WAD, 500n * WAD, 0n, NO_DEADLINE)).to.be.revertedWithCustomError(
        t.thin,
        "Vamm_ReduceOnly",
      ).withArgs();
      show("socialised", { socialized: soc!.args.socialized as bigint, unsocialized: soc!.args.unsocialized as bigint, fShortPerBase: soc!.args.fShort as bigint });
      // The thin market's traders take out everything they can, first.
      for (const tr of traders.slice(0, 3)) {
        if ((await ch.positionOf(thinAddr, tr.address)).size !== 0n) {
          await ch
            .connect(tr)
            .closePosition(thinAddr, 0n, 0n, NO_DEADLINE)
            .then((tx) => tx.wait())
            .catch(() => undefined);
        }
        const free6 = (await ch.freeCollateral(tr.address)) / COLLATERAL_SCALE;
        if (free6 > 0n) await (await ch.connect(tr).withdraw(free6)).wait();
      }
      const liqFree6 = (await ch.freeCollateral(liquidator.address)) / COLLATERAL_SCALE;
      if (liqFree6 > 0n) await (await ch.connect(liquidator).withdraw(liqFree6)).wait();
      // What is left in the vault must cover the main market's traders, budget and reserve in full.
      const vault = (await usdc.balanceOf(fx.addresses.clearingHouse)) * COLLATERAL_SCALE;
      const claims = await mainClaims(t);
      show("main market after the thin market emptied", { vault, claims, shortfall: claims > vault ? claims - vault : 0n });
      expect(vault >= claims, `main market's claims ${claims} exceed the vault ${vault} by ${claims - vault}`).to.equal(true);
    });
  });
});
