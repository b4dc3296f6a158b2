import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { addThinMarket, type ThinMarket, answerOf, findEvent, show } from "./attackKit";

// Issue 13, attack 11 (socialisation onto a dust side). Uncovered bad debt is charged to the side
// opposite the bankrupt position as perBase = ceil(amount·WAD/OI). The attacker holds the only
// position on that side, 4 wei of base, so perBase = amount·1e18/4 overflowed the int128 funding
// index (toInt128 in _advanceFunding) once amount > ~170 quote. Before the fix the liquidation of the
// bankrupt long reverted with SafeCastOverflowedIntDowncast(128, −1.46e39) (uncovered ≈ 5,856 quote)
// for as long as the dust stayed open: a liquidation DoS. The regression: perBase is capped at
// MAX_SOCIALIZED_PER_BASE (1e30, SPEC §3), the liquidation goes through, the dust short owes 4e-6
// quote, and the rest is recorded in unsocializedBadDebt.
// Setup: 8 traders pump a thin market (no budget) one 90k-quote long a block, the victim opens a 10×
// long at the top, the pumpers close (mark falls back), the victim is bankrupt; shorts: dust only.

interface Thin extends ThinMarket {
  readonly fx: DammFixture;
}

const THIN_SQRT_K = 100_000n * WAD;
const STEP_QUOTE = 90_000n * WAD;
const PUMPERS = 8;
const ATTACKER = PUMPERS + 1;

async function follow(t: Pick<Thin, "thin" | "thinOracle">): Promise<void> {
  await (await t.thinOracle.setAnswer(answerOf(await t.thin.markPrice()))).wait();
}

async function fixture(): Promise<Thin> {
  const fx = await deployDammFixture({ traderCount: PUMPERS + 2 });
  const { clearingHouse: ch, traders } = fx;
  const { thin, thinOracle, thinAddr } = await addThinMarket(fx, { sqrtK: THIN_SQRT_K, maxOpenInterest: 10_000_000n * WAD });
  const t = { fx, thin, thinOracle, thinAddr };
  // The attacker's dust short first: 300 wei of quote ≈ 3 wei of base.
  await (await ch.connect(traders[ATTACKER]).openPosition(thinAddr, false, 300n, 1n * WAD, 0n, NO_DEADLINE)).wait();
  for (let i = 1; i <= PUMPERS; i++) {
    await (await ch.connect(traders[i]).openPosition(thinAddr, true, STEP_QUOTE, 20_000n * WAD, 0n, NO_DEADLINE)).wait();
    await follow(t);
  }
  for (let i = 0; i < 2; i++) {
    await (await ch.connect(traders[0]).openPosition(thinAddr, true, STEP_QUOTE, 9_090n * WAD, 0n, NO_DEADLINE)).wait();
    await follow(t);
  }
  for (let i = 1; i <= PUMPERS; i++) {
    await (await ch.connect(traders[i]).closePosition(thinAddr, 0n, 0n, NO_DEADLINE)).wait();
    await follow(t);
  }
  return t;
}

const MAX_SOCIALIZED_PER_BASE = 10n ** 30n; // the contract's cap (SPEC §3), WAD quote per WAD base

describe("Attack 11: bad debt socialised onto a dust opposite side (issue 13)", function () {
  describe("a bankrupt 10× long, the only short 4 wei of base held by the attacker", function () {
    it("the liquidation goes through; the dust short is charged at most the cap, the rest recorded unsocialised", async function () {
      const t = await loadFixture(fixture);
      const { fx, thinAddr } = t;
      const { clearingHouse: ch, traders, liquidator } = fx;
      const [longOI, shortOI] = await t.thin.openInterest();
      const victim = await ch.positionOf(thinAddr, traders[0].address);
      const dust = await ch.positionOf(thinAddr, traders[ATTACKER].address);
      // The attack's premise: the bankrupt long is the whole long side, the attacker's dust the whole short side.
      expect(dust.size).to.equal(-shortOI);
      expect(shortOI).to.equal(4n);
      expect(victim.size).to.equal(longOI);
      const rc = await (await ch.connect(liquidator).liquidate(traders[0].address, thinAddr, 0n)).wait();
      expect((await ch.positionOf(thinAddr, traders[0].address)).size).to.equal(0n);
      const bad = findEvent(ch, [rc!], "BadDebtRecorded");
      const soc = findEvent(ch, [rc!], "BadDebtSocialized");
      expect(bad, "BadDebtRecorded").to.not.equal(null);
      expect(soc, "BadDebtSocialized").to.not.equal(null);
      const uncovered = bad!.args.uncovered as bigint;
      // Uncapped, perBase = ceil(uncovered·WAD/4) overflows int128 (what reverted the liquidation before).
      const uncapped = (uncovered * WAD + shortOI - 1n) / shortOI;
      expect(uncapped > (1n << 127n) - 1n, `uncapped perBase ${uncapped} must exceed int128`).to.equal(true);
      const socialized = (MAX_SOCIALIZED_PER_BASE * shortOI) / WAD;
      expect(soc!.args.market).to.equal(thinAddr);
      expect(soc!.args.socialized).to.equal(socialized);
      expect(soc!.args.unsocialized).to.equal(uncovered - socialized);
      expect(soc!.args.fLong).to.equal(0n);
      expect(soc!.args.fShort).to.equal(-MAX_SOCIALIZED_PER_BASE);
      expect(await ch.unsocializedBadDebt(thinAddr)).to.equal(uncovered - socialized);
      expect(await ch.uncoveredBadDebtOf(thinAddr)).to.equal(uncovered);
      expect((await t.thin.marketState()).reduceOnly).to.equal(true);
      // The dust holder owes exactly its bound: |size| · cap / WAD (4e-6 quote), not an absurd index.
      const owed = await ch.pendingFunding(thinAddr, traders[ATTACKER].address);
      expect(owed).to.equal((-dust.size * MAX_SOCIALIZED_PER_BASE) / WAD);
      show("dust socialisation", { longOI, shortOI: Number(shortOI), uncovered, socialized, unsocialized: uncovered - socialized, dustOwed: owed });
      // And the attacker's dust position still closes (reduce-only allows it): nothing is stuck.
      await (await ch.connect(traders[ATTACKER]).closePosition(thinAddr, 0n, 0n, NO_DEADLINE)).wait();
      expect((await ch.positionOf(thinAddr, traders[ATTACKER].address)).size).to.equal(0n);
    });
  });
});
