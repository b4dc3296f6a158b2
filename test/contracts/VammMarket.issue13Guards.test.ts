import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../helpers/deployFixture";
import { BPS, DAY, abs, answer8, ceilDiv, curveOf, kOver, netQuote, repegCostDirect } from "../helpers/specMath";

// The issue-13 hook guards of SPEC §5–§6, one describe per mechanism: the allowed case passes, the
// refused case reverts with the exact custom error and arguments. Default parameters unless stated
// (feeBps 10, maxPegChangeBps 19, hookWindowSeconds 3600, maxDailyKDecreaseBps 500, oracleBreakerBps 500).

const b32 = (s: string): string => ethers.encodeBytes32String(s);
const HOUR = 3600n;

async function setOracle(fx: DammFixture, priceWad: bigint): Promise<void> {
  await (await fx.aggregator.setAnswer(answer8(priceWad))).wait();
}

async function openSide(fx: DammFixture, isLong: boolean, i: number, q: bigint): Promise<void> {
  await (await fx.clearingHouse.connect(fx.traders[i]).openPosition(fx.addresses.market, isLong, q, q / 5n, 0n, NO_DEADLINE)).wait();
}

/**
 * Moves block time to the start of the next hook window plus `offset` seconds, then re-posts the
 * oracle's answer: the jump is up to an hour, and an answer older than maxOracleAgeMargin (3600 s)
 * would refuse the next opening trade (it did, in one CI run, when the clock sat just past an hour).
 */
async function toNextHookWindow(fx: DammFixture, offset = 5n): Promise<void> {
  const now = BigInt(await time.latest());
  await time.setNextBlockTimestamp(((now / HOUR) + 1n) * HOUR + offset);
  await mine(1);
  const [, answer] = await fx.aggregator.latestRoundData();
  await (await fx.aggregator.setAnswer(answer)).wait();
}

/** A fresh market with a net long (20,000 quote) and the oracle 1 % above the mark, early in an hour. */
async function netLongBelowOracle(): Promise<DammFixture> {
  const fx = await loadFixture(deployDammFixture);
  await toNextHookWindow(fx);
  await openSide(fx, true, 0, 20_000n * WAD);
  const st = await fx.market.marketState();
  await setOracle(fx, (st.mark * 101n) / 100n);
  return fx;
}

/** The market's move cap as deployed (the default maxPegChangeBps, 19 for feeBps 10). */
async function moveCap(fx: DammFixture): Promise<bigint> {
  return (await fx.market.marketState()).params.maxPegChangeBps;
}

/** `ceil(|P' − P|·1e4/P)`: a repeg's move (SPEC §6). */
const pegMove = (peg: bigint, newPeg: bigint): bigint => ceilDiv(abs(newPeg - peg) * BPS, peg);

describe("VammMarket issue-13 guards (SPEC §5, §6)", function () {
  describe("sandwich bound: maxPegChangeBps·(1e4 + feeBps) ≤ 2·feeBps·1e4", function () {
    it("defaults to the largest cap the default fee allows: 19 bps for feeBps 10 (20 = 2·fee lets a short win)", async function () {
      const fx = await loadFixture(deployDammFixture);
      const { feeBps, maxPegChangeBps } = (await fx.market.marketState()).params;
      expect([feeBps, maxPegChangeBps]).to.deep.equal([10n, 19n]);
      expect(maxPegChangeBps * (BPS + feeBps) <= 2n * feeBps * BPS).to.equal(true);
      expect((maxPegChangeBps + 1n) * (BPS + feeBps) <= 2n * feeBps * BPS).to.equal(false);
    });

    it("refuses a peg cap above ⌊2·fee·1e4/(1e4 + fee)⌋ and a fee below the cap's minimum, naming the cross bound", async function () {
      const { market, paramAdmin } = await loadFixture(deployDammFixture);
      const peg = b32("maxPegChangeBps");
      const fee = b32("feeBps");
      // 2·feeBps (20) is refused: the round trip of a short around a 20 bps repeg down pays only 19.98 bps.
      await expect(market.connect(paramAdmin).setParameter(peg, 20n))
        .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
        .withArgs(peg, 20n, 1n, 19n);
      await expect(market.connect(paramAdmin).setParameter(fee, 9n))
        .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
        .withArgs(fee, 9n, 10n, 100n);
      // Raising the fee first makes room for a larger cap.
      await expect(market.connect(paramAdmin).setParameter(fee, 15n)).to.emit(market, "ParameterChanged").withArgs(fee, 10n, 15n);
      // fee 15: ⌊300000/10015⌋ = 29, so 30 (= 2·fee) is refused and 29 passes.
      await expect(market.connect(paramAdmin).setParameter(peg, 30n))
        .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
        .withArgs(peg, 30n, 1n, 29n);
      await expect(market.connect(paramAdmin).setParameter(peg, 29n)).to.emit(market, "ParameterChanged").withArgs(peg, 19n, 29n);
      await expect(market.connect(paramAdmin).setParameter(fee, 14n))
        .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
        .withArgs(fee, 14n, 15n, 100n);
    });
  });

  describe("hook move cap (rolling hookWindowSeconds)", function () {
    it("sums repeg moves over the window and refuses the one that would pass maxPegChangeBps", async function () {
      const fx = await netLongBelowOracle();
      const { market, keeper } = fx;
      const st0 = await market.marketState();
      const p1 = st0.peg + (st0.peg * 15n) / BPS; // 15 bps
      await expect(market.connect(keeper).repeg(p1)).to.emit(market, "PegUpdated");
      const st1 = await market.marketState();
      expect([st1.curMoveBps, st1.prevMoveBps]).to.deep.equal([15n, 0n]);
      const cap = await moveCap(fx);
      const p2 = p1 + (p1 * (cap - 15n + 1n)) / BPS; // one bps more than the room left
      await expect(market.connect(keeper).repeg(p2))
        .to.be.revertedWithCustomError(market, "Vamm_HookMoveCapExceeded")
        .withArgs(15n, pegMove(p1, p2), cap);
      const p3 = p1 + (p1 * (cap - 15n)) / BPS; // exactly the room left
      await expect(market.connect(keeper).repeg(p3)).to.emit(market, "PegUpdated");
      expect((await market.marketState()).curMoveBps).to.equal(cap);
    });

    it("carries the last window's moves into the next one and forgets them one window later", async function () {
      const fx = await netLongBelowOracle();
      const { market, keeper } = fx;
      const p0 = (await market.marketState()).peg;
      const cap = await moveCap(fx);
      const p1 = p0 + (p0 * cap) / BPS;
      await market.connect(keeper).repeg(p1);
      await toNextHookWindow(fx);
      await setOracle(fx, ((await market.marketState()).mark * 101n) / 100n);
      const p2 = p1 + (p1 * 1n) / BPS;
      // Next window: prev = cap, so any move is refused (an interval ≤ 1 h can straddle both).
      await expect(market.connect(keeper).repeg(p2))
        .to.be.revertedWithCustomError(market, "Vamm_HookMoveCapExceeded")
        .withArgs(cap, 1n, cap);
      await toNextHookWindow(fx);
      await setOracle(fx, ((await market.marketState()).mark * 101n) / 100n);
      await expect(market.connect(keeper).repeg(p2)).to.emit(market, "PegUpdated");
      const st = await market.marketState();
      expect([st.prevMoveBps, st.curMoveBps]).to.deep.equal([0n, 1n]);
    });

    it("counts a k increase as ceil(2·|d|·ΔsqrtK·1e4/(x·sqrtK')) and a k decrease as no move", async function () {
      const fx = await loadFixture(deployDammFixture);
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("fluctuationLimitBps"), 5000n);
      await market.connect(paramAdmin).setParameter(b32("maxKIncreaseBps"), 1000n);
      await toNextHookWindow(fx);
      for (let i = 0; i < 5; i++) await openSide(fx, true, i, 450_000n * WAD); // |d|/x ≈ 2.3 %
      const st = await market.marketState();
      await setOracle(fx, st.mark);
      const d = st.longOI - st.shortOI;
      const k1 = st.sqrtK + (st.sqrtK * 1000n) / BPS; // +10 %
      const move = ceilDiv(2n * d * (k1 - st.sqrtK) * BPS, st.baseReserve * k1);
      const cap = await moveCap(fx);
      expect(move > cap, `move ${move} bps`).to.equal(true);
      await expect(market.connect(keeper).updateK(k1))
        .to.be.revertedWithCustomError(market, "Vamm_HookMoveCapExceeded")
        .withArgs(0n, move, cap);
      const kDown = st.sqrtK - (st.sqrtK * 100n) / BPS;
      await expect(market.connect(keeper).updateK(kDown)).to.emit(market, "KUpdated");
      expect((await market.marketState()).curMoveBps).to.equal(0n);
    });
  });

  describe("k-decrease cap (rolling 24 h)", function () {
    it("sums decreases in the two day windows and refuses past maxDailyKDecreaseBps; clears two days later", async function () {
      const fx = await loadFixture(deployDammFixture);
      const { market, keeper } = fx;
      const now = BigInt(await time.latest());
      await time.setNextBlockTimestamp((now / DAY + 1n) * DAY + 100n);
      await mine(1);
      const down = async (): Promise<bigint> => {
        await setOracle(fx, 100n * WAD);
        const s = (await market.marketState()).sqrtK;
        return (s * 9_780n) / BPS; // −2.2 %: ceil bps = 220 exactly
      };
      await expect(market.connect(keeper).updateK(await down())).to.emit(market, "KUpdated");
      await expect(market.connect(keeper).updateK(await down())).to.emit(market, "KUpdated");
      expect((await market.marketState()).curKDecreaseBps).to.equal(440n);
      const third = await down();
      await expect(market.connect(keeper).updateK(third))
        .to.be.revertedWithCustomError(market, "Vamm_KDecreaseCapExceeded")
        .withArgs(440n, 220n, 500n);
      // Next day: the previous window still counts (a 24 h interval may straddle both).
      await time.increase(DAY);
      await expect(market.connect(keeper).updateK(await down()))
        .to.be.revertedWithCustomError(market, "Vamm_KDecreaseCapExceeded")
        .withArgs(440n, 220n, 500n);
      await time.increase(DAY);
      await expect(market.connect(keeper).updateK(await down())).to.emit(market, "KUpdated");
      const st = await market.marketState();
      expect([st.prevKDecreaseBps, st.curKDecreaseBps]).to.deep.equal([0n, 220n]);
    });
  });

  describe("repegToward (keeper griefing)", function () {
    it("fits the step to the move cap's room and refuses when that is short of minPeg", async function () {
      const fx = await netLongBelowOracle();
      const { market, keeper } = fx;
      const st = await market.marketState();
      const fitted = st.peg + (st.peg * st.params.maxPegChangeBps) / BPS; // the move cap's 19 bps, not the 1 % asked
      const target = st.peg + st.peg / 100n;
      await expect(market.connect(keeper).repegToward(target, fitted + 1n))
        .to.be.revertedWithCustomError(market, "Vamm_RepegBelowMinimum")
        .withArgs(fitted, fitted + 1n);
      const cost = repegCostDirect(curveOf(st), fitted);
      await expect(market.connect(keeper).repegToward(target, st.peg + 1n))
        .to.emit(market, "PegUpdated")
        .withArgs(st.peg, fitted, cost, (st.quoteReserve * fitted) / st.baseReserve);
    });

    it("fits the step to the daily cost cap's room when a front-run made it dearer", async function () {
      const fx = await netLongBelowOracle();
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("dailyCostCapBps"), 1n); // ≈ 10 quote on a 100k budget
      const st = await market.marketState();
      const c = curveOf(st);
      const target = st.peg + (st.peg * st.params.maxPegChangeBps) / BPS;
      // The exact repeg to the target costs more than the cap: repeg() reverts, repegToward() fits.
      await expect(market.connect(keeper).repeg(target)).to.be.revertedWithCustomError(market, "Vamm_DailyCostCapExceeded");
      const room = (st.budget * 1n) / BPS;
      const fitted = st.peg + (room * WAD) / netQuote(c);
      const cost = repegCostDirect(c, fitted);
      expect(cost <= room && cost > 0n).to.equal(true);
      await expect(market.connect(keeper).repegToward(target, st.peg + 1n))
        .to.emit(market, "PegUpdated")
        .withArgs(st.peg, fitted, cost, (st.quoteReserve * fitted) / st.baseReserve);
    });

    it("never passes the oracle", async function () {
      const fx = await loadFixture(deployDammFixture);
      const { market, keeper } = fx;
      await openSide(fx, true, 0, 20_000n * WAD);
      const st = await market.marketState();
      const oracle = st.mark + st.mark / 2_000n; // 5 bps above the mark
      await setOracle(fx, oracle);
      const st1 = await market.marketState();
      await market.connect(keeper).repegToward(st1.peg * 2n, st1.peg + 1n);
      const after = await market.marketState();
      expect(after.mark <= oracle && after.mark > st1.mark).to.equal(true);
      expect(kOver(after.sqrtK, 1n) > 0n).to.equal(true);
    });
  });

  describe("oracle TWAP folds the previous answer", function () {
    it("a jump enters the TWAP only for the time after it was observed", async function () {
      const fx = await loadFixture(deployDammFixture);
      const { market, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("oracleBreakerBps"), 5000n);
      await setOracle(fx, 100n * WAD);
      await market.observeOracle();
      const t0 = (await market.marketState()).oracleTwapTimestamp;
      await time.setNextBlockTimestamp(t0 + HOUR - 1n);
      await setOracle(fx, 140n * WAD);
      await time.setNextBlockTimestamp(t0 + HOUR);
      await market.observeOracle();
      let st = await market.marketState();
      expect(st.oracleTwap, "the hour before held 100").to.equal(100n * WAD);
      expect(st.lastOraclePrice).to.equal(140n * WAD);
      await time.setNextBlockTimestamp(t0 + HOUR + 1800n);
      await market.observeOracle();
      st = await market.marketState();
      // W = 3600, dt = 1800: (100·1800 + 140·1800)/3600.
      expect(st.oracleTwap).to.equal(120n * WAD);
    });
  });

  describe("volatility breaker (oracleBreakerBps)", function () {
    it("an observation > 5 % from the TWAP stops opens (not closes); one within the bound clears it", async function () {
      const fx = await loadFixture(deployDammFixture);
      const { market, clearingHouse: ch, traders, addresses } = fx;
      await openSide(fx, true, 0, 10_000n * WAD);
      await setOracle(fx, 100n * WAD);
      await market.observeOracle();
      await time.increase(60);
      await setOracle(fx, 106n * WAD);
      await expect(market.observeOracle()).to.emit(market, "VolatilityBreakerSet").withArgs(true, 106n * WAD, anyTwap());
      const st = await market.marketState();
      expect(st.volatilityBreaker).to.equal(true);
      await expect(ch.connect(traders[1]).openPosition(addresses.market, true, 1_000n * WAD, 200n * WAD, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_VolatilityBreaker")
        .withArgs(106n * WAD, st.oracleTwap, 500n);
      await expect(ch.connect(traders[0]).closePosition(addresses.market, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      await setOracle(fx, 100n * WAD);
      await expect(market.observeOracle()).to.emit(market, "VolatilityBreakerSet").withArgs(false, 100n * WAD, anyTwap());
      await expect(ch.connect(traders[1]).openPosition(addresses.market, true, 1_000n * WAD, 200n * WAD, 0n, NO_DEADLINE)).to.emit(
        ch,
        "PositionChanged",
      );
    });
  });
});

/** Any TWAP (checked separately against marketState). */
function anyTwap(): (v: bigint) => boolean {
  return (v: bigint) => v > 0n;
}
