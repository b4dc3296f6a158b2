import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";

// Issue 13, attack 9 (oracle state ignored outside hooks and funding). On main, with a negative
// answer or an incomplete round, opens and margin removals succeeded; only settleFunding reverted.
// The regression: opens and margin removals need a valid oracle and are refused by name (the
// aggregator's own round figures in the error); closes, margin additions and liquidations keep
// working — liquidations on the last valid answer — so the market behaves reduce-only while the oracle
// is bad.

async function fixture(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  const { clearingHouse: ch, traders } = fx;
  const m = fx.addresses.market;
  // A position with room to remove margin, and one to close.
  await (await ch.connect(traders[0]).openPosition(m, true, 50_000n * WAD, 20_000n * WAD, 0n, NO_DEADLINE)).wait();
  await (await ch.connect(traders[1]).openPosition(m, false, 50_000n * WAD, 20_000n * WAD, 0n, NO_DEADLINE)).wait();
  return fx;
}

type Bad = { label: string; set: (fx: DammFixture) => Promise<unknown>; error: string; args: (fx: DammFixture) => Promise<unknown[]> };

const BAD: Bad[] = [
  {
    label: "a negative answer",
    set: async (fx) => (await fx.aggregator.setRound(-5n * 10n ** 8n, await time.latest(), 0)).wait(),
    error: "Oracle_NonPositiveAnswer",
    args: async (fx) => [(await fx.aggregator.latestRoundData())[1]],
  },
  {
    label: "a zero answer",
    set: async (fx) => (await fx.aggregator.setRound(0n, await time.latest(), 0)).wait(),
    error: "Oracle_NonPositiveAnswer",
    args: async () => [0n],
  },
  {
    label: "an incomplete round",
    set: async (fx) => (await fx.aggregator.setRound(100n * 10n ** 8n, await time.latest(), 1)).wait(),
    error: "Oracle_IncompleteRound",
    args: async (fx) => {
      const r = await fx.aggregator.latestRoundData();
      return [r[0], r[4]];
    },
  },
];

describe("Attack 9: oracle state ignored outside hooks and funding (issue 13)", function () {
  for (const bad of BAD) {
    describe(`with ${bad.label}`, function () {
      it("opens (new, increase, reverse) and margin removals are refused by name", async function () {
        const fx = await loadFixture(fixture);
        const { clearingHouse: ch, traders, market } = fx;
        const m = fx.addresses.market;
        await bad.set(fx);
        const args = await bad.args(fx);
        await expect(ch.connect(traders[2]).openPosition(m, true, 10_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, bad.error)
          .withArgs(...args);
        await expect(ch.connect(traders[0]).openPosition(m, true, 10_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, bad.error)
          .withArgs(...args);
        await expect(ch.connect(traders[0]).openPosition(m, false, 80_000n * WAD, 10_000n * WAD, 0n, NO_DEADLINE))
          .to.be.revertedWithCustomError(market, bad.error)
          .withArgs(...args);
        await expect(ch.connect(traders[0]).removeMargin(m, 1_000n * WAD))
          .to.be.revertedWithCustomError(market, bad.error)
          .withArgs(...args);
      });

      it("closes (partial and full), reducing opens and margin additions still work", async function () {
        const fx = await loadFixture(fixture);
        const { clearingHouse: ch, traders } = fx;
        const m = fx.addresses.market;
        await bad.set(fx);
        await (await ch.connect(traders[0]).addMargin(m, 1_000n * WAD)).wait();
        const size = (await ch.positionOf(m, traders[0].address)).size;
        await (await ch.connect(traders[0]).closePosition(m, size / 2n, 0n, NO_DEADLINE)).wait();
        await (await ch.connect(traders[1]).openPosition(m, true, 10_000n * WAD, 0n, 0n, NO_DEADLINE)).wait();
        await (await ch.connect(traders[0]).closePosition(m, 0n, 0n, NO_DEADLINE)).wait();
        expect((await ch.positionOf(m, traders[0].address)).size).to.equal(0n);
      });
    });
  }

  describe("a 10× long under water by the last valid answer, then the oracle goes bad", function () {
    for (const bad of BAD) {
      it(`the long is still liquidated with ${bad.label} (margin falls back to the last valid answer)`, async function () {
        const fx = await loadFixture(fixture);
        const { clearingHouse: ch, traders, market, aggregator, liquidator } = fx;
        const m = fx.addresses.market;
        await (await ch.connect(traders[3]).openPosition(m, true, 100_000n * WAD, 10_100n * WAD, 0n, NO_DEADLINE)).wait();
        // A valid 4.5 % drop, observed by the market: the long's equity falls to ≈ 5.5 % of its value.
        const [, answer] = await aggregator.latestRoundData();
        await (await aggregator.setAnswer((answer * 9_550n) / 10_000n)).wait();
        await (await market.observeOracle()).wait();
        expect(await ch.isLiquidatable(m, traders[3].address)).to.equal(true);
        await bad.set(fx);
        const rc = await (await ch.connect(liquidator).liquidate(traders[3].address, m, 0n)).wait();
        const ev = rc!.logs.map((l) => ch.interface.parseLog(l)).find((e) => e?.name === "Liquidated");
        expect(ev?.args.trader).to.equal(traders[3].address);
      });
    }
  });

  describe("with an answer older than maxOracleAgeMargin", function () {
    it("opens are refused Oracle_StaleAnswer(updatedAt, maxAge)", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, traders, market } = fx;
      const maxAge = (await market.marketState()).params.maxOracleAgeMargin;
      const updatedAt = (await fx.aggregator.latestRoundData())[3];
      await time.increase(maxAge + 1n);
      await expect(ch.connect(traders[2]).openPosition(fx.addresses.market, true, 10_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Oracle_StaleAnswer")
        .withArgs(updatedAt, maxAge);
    });
  });
});
