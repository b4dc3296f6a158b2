import { expect } from "chai";
import { network } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { BPS } from "../../helpers/specMath";
import { answerOf, findEvent, inOneBlock, pct, revertReason, show } from "./attackKit";

// Issue 13, attack 2 (liquidation sandwich). A victim 10× long at a 7.80 % margin ratio (maintenance
// 6.25 %), the oracle agreeing with the mark. In one block the attacker shorts 900,000 (a 1.8 % move,
// inside the fluctuation limit), liquidates the victim (liquidations are exempt from the limit) and
// closes. On main eligibility was judged on the curve: the victim's equity 7,618 → 3,358 returned,
// the attacker +1,168 with the liquidator's fee share. The regression: the push cannot make the victim
// liquidatable — the liquidation is refused by name, the victim keeps its position and equity, and
// the attacker's round trip gains nothing; also at the largest push the fluctuation limit allows.

const TARGET_RATIO = (780n * WAD) / BPS; // 7.80 %
const VICTIM_QUOTE = 100_000n * WAD;
const VICTIM_MARGIN = 10_100n * WAD; // 10× after the 100 fee

/** Victim long 10×, pushed on the curve to a 7.80 % margin ratio by two other traders' shorts (two blocks), oracle = mark. */
async function fixture(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  const { clearingHouse: ch, traders, aggregator, market } = fx;
  const m = fx.addresses.market;
  const victim = traders[1];
  await (await ch.connect(victim).openPosition(m, true, VICTIM_QUOTE, VICTIM_MARGIN, 0n, NO_DEADLINE)).wait();
  await (await ch.connect(traders[2]).openPosition(m, false, 800_000n * WAD, 90_000n * WAD, 0n, NO_DEADLINE)).wait();
  // Second push sized by bisection so that the victim sits at 7.80 % with the oracle at the new mark
  // (the oracle agrees with the market: the victim is honestly at 7.80 % by either price).
  let lo = 0n;
  let hi = 900_000n * WAD;
  for (let i = 0; i < 40 && hi - lo > WAD; i++) {
    const q = (lo + hi) / 2n;
    const snap = await network.provider.send("evm_snapshot", []);
    await (await ch.connect(traders[3]).openPosition(m, false, q, 95_000n * WAD, 0n, NO_DEADLINE)).wait();
    await (await aggregator.setAnswer(answerOf(await market.markPrice()))).wait();
    const r = await ch.marginRatio(m, victim.address);
    await network.provider.send("evm_revert", [snap]);
    if (r > TARGET_RATIO) lo = q;
    else hi = q;
  }
  await (await ch.connect(traders[3]).openPosition(m, false, lo, 95_000n * WAD, 0n, NO_DEADLINE)).wait();
  await mine(1, { interval: 12 });
  await (await aggregator.setAnswer(answerOf(await market.markPrice()))).wait();
  return fx;
}

interface Outcome {
  readonly gain: bigint;
  readonly liquidated: boolean;
  readonly liquidateOutcome: string;
  readonly victimReturned: bigint;
  readonly victimEquityBefore: bigint;
}

/** Attacker (traders[0]) shorts `quote`, liquidates the victim, closes — one block. */
async function sandwich(fx: DammFixture, quote: bigint): Promise<Outcome> {
  const { clearingHouse: ch, market, traders } = fx;
  const attacker = traders[0];
  const victim = traders[1];
  const m = fx.addresses.market;
  const free0 = await ch.freeCollateral(attacker.address);
  const victimFree0 = await ch.freeCollateral(victim.address);
  const p = await ch.positionOf(m, victim.address);
  const ratio = await ch.marginRatio(m, victim.address);
  const [closeValue] = await market.previewClose(p.size, p.size);
  const victimEquityBefore = (ratio * closeValue) / WAD;
  const res = await inOneBlock([
    { label: "short", send: (o) => ch.connect(attacker).openPosition(m, false, quote, 99_000n * WAD, 0n, NO_DEADLINE, o) },
    { label: "liquidate", send: (o) => ch.connect(attacker).liquidate(victim.address, m, 0n, o) },
    { label: "close", send: (o) => ch.connect(attacker).closePosition(m, 0n, 0n, NO_DEADLINE, o) },
  ]);
  expect(res[0].ok, "the attacker's short").to.equal(true);
  expect(res[2].ok, "the attacker's close").to.equal(true);
  const shortEv = findEvent(ch, [res[0].receipt], "PositionChanged");
  expect(shortEv).to.not.equal(null);
  const liq = findEvent(ch, [res[1].receipt], "Liquidated");
  const pAfter = await ch.positionOf(m, victim.address);
  return {
    gain: (await ch.freeCollateral(attacker.address)) - free0,
    liquidated: liq !== null,
    liquidateOutcome: res[1].ok ? "liquidated" : await revertReason(fx, res[1]),
    victimReturned: pAfter.size === 0n ? (await ch.freeCollateral(victim.address)) - victimFree0 : 0n,
    victimEquityBefore,
  };
}

describe("Attack 2: liquidation sandwich (issue 13)", function () {
  describe("victim 10× long at a 7.80 % margin ratio, oracle = mark", function () {
    it("the victim is healthy (above maintenance) before the push", async function () {
      const fx = await loadFixture(fixture);
      const r = await fx.clearingHouse.marginRatio(fx.addresses.market, fx.traders[1].address);
      show("setup", { victimRatio: pct(r) });
      expect(r >= (779n * WAD) / BPS && r <= (781n * WAD) / BPS, `ratio ${r}`).to.equal(true);
      expect(await fx.clearingHouse.isLiquidatable(fx.addresses.market, fx.traders[1].address)).to.equal(false);
    });

    it("short 900,000 → liquidate → close in one block: the victim is not liquidated and the attacker gains ≤ 0", async function () {
      const fx = await loadFixture(fixture);
      const victim = fx.traders[1].address;
      const before = await fx.clearingHouse.positionOf(fx.addresses.market, victim);
      const o = await sandwich(fx, 900_000n * WAD);
      show("as described", { gain: o.gain, liquidate: o.liquidateOutcome, victimEquityBefore: o.victimEquityBefore, victimReturned: o.victimReturned });
      expect(o.liquidated, "victim liquidated").to.equal(false);
      const after = await fx.clearingHouse.positionOf(fx.addresses.market, victim);
      expect([after.size, after.margin, after.openNotional]).to.deep.equal([before.size, before.margin, before.openNotional]);
      expect(o.gain <= 0n, `attacker gained ${o.gain}`).to.equal(true);
    });

    it("after the attacker's short (own block), liquidate is refused by name with the victim's equity above maintenance", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, traders } = fx;
      const m = fx.addresses.market;
      await (await ch.connect(traders[0]).openPosition(m, false, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE)).wait();
      let equity = 0n;
      await expect(ch.connect(traders[0]).liquidate(traders[1].address, m, 0n))
        .to.be.revertedWithCustomError(ch, "CH_NotLiquidatable")
        .withArgs(
          (e: bigint) => {
            equity = e;
            return e > 0n;
          },
          (maintenance: bigint) => equity >= maintenance,
        );
    });

    it("best adaptation: the largest short the fluctuation limit allows in one block still cannot liquidate the victim", async function () {
      const fx = await loadFixture(fixture);
      const limitBps = (await fx.market.marketState()).params.fluctuationLimitBps;
      // A short of q moves the mark by ≈ 2q/(y·P); take the size just inside the limit.
      const st = await fx.market.marketState();
      const quoteDepth = (st.quoteReserve * st.peg) / WAD;
      const q = (quoteDepth * (limitBps - 5n)) / (2n * BPS);
      const o = await sandwich(fx, q);
      show("largest push", { quote: q, gain: o.gain, liquidate: o.liquidateOutcome });
      expect(o.liquidated, "victim liquidated").to.equal(false);
      expect(o.gain <= 0n, `attacker gained ${o.gain}`).to.equal(true);
    });
  });
});
