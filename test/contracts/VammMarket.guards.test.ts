import { expect } from "chai";
import { ethers, network } from "hardhat";
import type { BaseContract, Interface } from "ethers";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { dammFixture, deployDammFixture, NO_DEADLINE, WAD, WIDE_HOOK_LIMITS, type DammFixture } from "../helpers/deployFixture";
import {
  BPS,
  DAY,
  abs,
  afterLong,
  afterShort,
  answer8,
  ceilDiv,
  curveOf,
  kCostDirect,
  markOf,
  moveBps,
  netQuote,
  repegCostDirect,
} from "../helpers/specMath";
import { update as updateTwap } from "../../keeper/core/math/wad/TwapWad";

// One test per guard of SPEC §6: the allowed case passes, the refused case reverts with the exact
// custom error and arguments, and every change emits its old and new values and the cost.

const b32 = (s: string): string => ethers.encodeBytes32String(s);
const smallMarket = dammFixture({ sqrtK: 100_000n * WAD, params: WIDE_HOOK_LIMITS });
const tinyBudget = dammFixture({ budget6: 10n * 10n ** 6n, params: WIDE_HOOK_LIMITS });
const smallOiCap = dammFixture({ maxOpenInterest: 150n * WAD, params: WIDE_HOOK_LIMITS });
const thinBudgetMarket = dammFixture({ sqrtK: 10_000n * WAD, budget6: 10n ** 6n, params: WIDE_HOOK_LIMITS });
// Hook mechanics with steps up to 1 %: the wide limits (feeBps 50, maxPegChangeBps 100, 60 s hook
// window); the sandwich bound itself is tested in VammMarket.sandwichBound.test.ts.
const wideFixture = dammFixture({ params: WIDE_HOOK_LIMITS });
const thinMarket = dammFixture({ sqrtK: 1_000n * WAD, budget6: 1_000n * 10n ** 6n, params: WIDE_HOOK_LIMITS });

/** Publishes `priceWad` (WAD) as a fresh oracle answer. */
async function setOracle(fx: DammFixture, priceWad: bigint): Promise<void> {
  await (await fx.aggregator.setAnswer(answer8(priceWad))).wait();
}

/** Trader `i` opens `q` quote of notional on one side, with margin q/5 unless given. */
async function openSide(fx: DammFixture, isLong: boolean, i: number, q: bigint, margin = q / 5n): Promise<void> {
  await (await fx.clearingHouse.connect(fx.traders[i]).openPosition(fx.addresses.market, isLong, q, margin, 0n, NO_DEADLINE)).wait();
}
const openLong = (fx: DammFixture, i: number, q: bigint, margin?: bigint) => openSide(fx, true, i, q, margin);
const openShort = (fx: DammFixture, i: number, q: bigint, margin?: bigint) => openSide(fx, false, i, q, margin);

/** `call` reverts with OpenZeppelin's AccessControlUnauthorizedAccount(who, role) from `contract`. */
async function expectUnauthorized(call: Promise<unknown>, contract: BaseContract, who: { address: string }, role: string): Promise<void> {
  await expect(call).to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount").withArgs(who.address, role);
}

/** A market with a net long (d > 0), mark ≈ 100.2, oracle at `oracle`. */
async function netLongMarket(oracle = 102n * WAD): Promise<DammFixture> {
  const fx = await loadFixture(wideFixture);
  await openLong(fx, 0, 10_000n * WAD);
  await setOracle(fx, oracle);
  return fx;
}

describe("VammMarket guards (SPEC §6)", function () {
  describe("roles", function () {
    it("lets only KEEPER_ROLE call repeg and updateK", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper, admin, paramAdmin, guardian, traders, roles } = fx;
      await setOracle(fx, 101n * WAD);
      for (const who of [admin, paramAdmin, guardian, traders[0]]) {
        await expectUnauthorized(market.connect(who).repeg(100n * WAD + WAD / 2n), market, who, roles.KEEPER_ROLE);
        await expectUnauthorized(market.connect(who).updateK(1_001_000n * WAD), market, who, roles.KEEPER_ROLE);
      }
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n)).to.emit(market, "PegUpdated");
      await mine(1);
      await setOracle(fx, 101n * WAD);
      await expect(market.connect(keeper).updateK(1_001_000n * WAD)).to.emit(market, "KUpdated");
    });

    it("lets only PARAM_ADMIN_ROLE call setParameter and setReduceOnly", async function () {
      const { market, keeper, admin, guardian, paramAdmin, roles } = await loadFixture(wideFixture);
      for (const who of [admin, keeper, guardian]) {
        await expectUnauthorized(market.connect(who).setParameter(b32("feeBps"), 60n), market, who, roles.PARAM_ADMIN_ROLE);
        await expectUnauthorized(market.connect(who).setReduceOnly(true), market, who, roles.PARAM_ADMIN_ROLE);
      }
      const oldFee = (await market.marketState()).params.feeBps; // the wide limits' fee
      await expect(market.connect(paramAdmin).setParameter(b32("feeBps"), 60n))
        .to.emit(market, "ParameterChanged")
        .withArgs(b32("feeBps"), oldFee, 60n);
    });

    it("lets GUARDIAN_ROLE pause and only DEFAULT_ADMIN_ROLE unpause (market and global)", async function () {
      const { market, clearingHouse: ch, keeper, admin, guardian, paramAdmin, roles } = await loadFixture(wideFixture);
      for (const who of [keeper, paramAdmin, admin]) {
        await expectUnauthorized(market.connect(who).pause(), market, who, roles.GUARDIAN_ROLE);
        await expectUnauthorized(ch.connect(who).pause(), ch, who, roles.GUARDIAN_ROLE);
      }
      await expect(market.connect(guardian).pause()).to.emit(market, "Paused").withArgs(guardian.address);
      await expect(ch.connect(guardian).pause()).to.emit(market, "GlobalPauseSet").withArgs(true);
      for (const who of [guardian, keeper, paramAdmin]) {
        await expectUnauthorized(market.connect(who).unpause(), market, who, roles.DEFAULT_ADMIN_ROLE);
        await expectUnauthorized(ch.connect(who).unpause(), ch, who, roles.DEFAULT_ADMIN_ROLE);
      }
      await expect(market.connect(admin).unpause()).to.emit(market, "Unpaused").withArgs(admin.address);
      await expect(ch.connect(admin).unpause()).to.emit(market, "GlobalPauseSet").withArgs(false);
      const st = await market.marketState();
      expect([st.paused, st.globalPaused]).to.deep.equal([false, false]);
    });
  });

  describe("pause", function () {
    it("per market: stops hooks, trades, margin changes and funding; withdrawals stay open", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, clearingHouse: ch, keeper, guardian, admin, traders, addresses } = fx;
      await openLong(fx, 0, 1_000n * WAD);
      await market.connect(guardian).pause();
      await setOracle(fx, 101n * WAD);
      await time.increase(3600);
      await setOracle(fx, 101n * WAD);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n)).to.be.revertedWithCustomError(market, "Vamm_Paused");
      await expect(market.connect(keeper).updateK(1_001_000n * WAD)).to.be.revertedWithCustomError(market, "Vamm_Paused");
      await expect(ch.connect(traders[1]).openPosition(addresses.market, true, WAD * 100n, WAD * 20n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_Paused");
      await expect(ch.connect(traders[0]).closePosition(addresses.market, 0n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_Paused");
      await expect(ch.connect(traders[0]).addMargin(addresses.market, WAD)).to.be.revertedWithCustomError(market, "Vamm_Paused");
      await expect(market.settleFunding()).to.be.revertedWithCustomError(market, "Vamm_Paused");
      await expect(ch.connect(traders[1]).withdraw(1_000_000n)).to.emit(ch, "Withdrawn");
      await market.connect(admin).unpause();
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n)).to.emit(market, "PegUpdated");
      await expect(market.settleFunding()).to.emit(market, "FundingSettled");
    });

    it("global: the ClearingHouse's pause is mirrored into the market and stops hooks and trades", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, clearingHouse: ch, keeper, guardian, admin, traders, addresses } = fx;
      await ch.connect(guardian).pause();
      await setOracle(fx, 101n * WAD);
      expect((await market.marketState()).globalPaused).to.equal(true);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n)).to.be.revertedWithCustomError(market, "CH_Paused");
      await expect(market.connect(keeper).updateK(1_001_000n * WAD)).to.be.revertedWithCustomError(market, "CH_Paused");
      await expect(ch.connect(traders[1]).openPosition(addresses.market, true, WAD * 100n, WAD * 20n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "CH_Paused");
      await expect(ch.connect(traders[1]).withdraw(1_000_000n)).to.emit(ch, "Withdrawn");
      await ch.connect(admin).unpause();
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n)).to.emit(market, "PegUpdated");
    });

    it("settleFunding while paused reverts the pause error, not Vamm_FundingNotDue(next, now) — that comes once unpaused (SPEC §8)", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, clearingHouse: ch, guardian, admin, addresses } = fx;
      await openLong(fx, 0, 1_000n * WAD);
      const next = (await market.marketState()).nextFundingTime;
      // Not due yet and paused: the pause is checked first, for both scopes; neither error has arguments.
      await market.connect(guardian).pause();
      expect(BigInt(await time.latest()) + 1n < next, "funding not due").to.equal(true);
      await expect(market.settleFunding()).to.be.revertedWithCustomError(market, "Vamm_Paused").withArgs();
      await ch.connect(guardian).pause();
      await expect(market.settleFunding()).to.be.revertedWithCustomError(ch, "CH_Paused").withArgs();
      // Unpaused and still not due: the due check, with its arguments.
      await ch.connect(admin).unpause();
      await market.connect(admin).unpause();
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(market.settleFunding()).to.be.revertedWithCustomError(market, "Vamm_FundingNotDue").withArgs(next, now);
      // Due while paused: still the pause error, and nothing settles (the epoch stays).
      await time.setNextBlockTimestamp(next);
      await market.connect(guardian).pause();
      await expect(market.settleFunding()).to.be.revertedWithCustomError(market, "Vamm_Paused").withArgs();
      expect((await ch.fundingIndices(addresses.market))[2]).to.equal(1n);
      await market.connect(admin).unpause();
      await setOracle(fx, 100n * WAD);
      await expect(market.settleFunding()).to.emit(market, "FundingSettled");
      expect((await ch.fundingIndices(addresses.market))[2]).to.equal(2n);
    });
  });

  describe("reduce-only", function () {
    it("refuses increases and lets positions reduce", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, clearingHouse: ch, paramAdmin, traders, addresses } = fx;
      await openLong(fx, 0, 1_000n * WAD);
      await expect(market.connect(paramAdmin).setReduceOnly(true)).to.emit(market, "ReduceOnlySet").withArgs(false, true);
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, 100n * WAD, 0n, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_ReduceOnly");
      await expect(ch.connect(traders[1]).openPosition(addresses.market, false, 100n * WAD, 20n * WAD, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_ReduceOnly");
      const size = (await ch.positionOf(addresses.market, traders[0].address)).size;
      await expect(ch.connect(traders[0]).closePosition(addresses.market, size / 2n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
      await expect(market.connect(paramAdmin).setReduceOnly(false)).to.emit(market, "ReduceOnlySet").withArgs(true, false);
      await expect(ch.connect(traders[1]).openPosition(addresses.market, false, 100n * WAD, 20n * WAD, 0n, NO_DEADLINE)).to.emit(
        ch,
        "PositionChanged",
      );
    });
  });

  describe("oracle", function () {
    it("refuses a non-positive answer", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, aggregator, keeper } = fx;
      const now = BigInt(await time.latest());
      for (const a of [0n, -5n]) {
        await aggregator.setRound(a, now, 0n);
        await expect(market.connect(keeper).repeg(101n * WAD)).to.be.revertedWithCustomError(market, "Oracle_NonPositiveAnswer").withArgs(a);
        await expect(market.connect(keeper).updateK(1_001_000n * WAD))
          .to.be.revertedWithCustomError(market, "Oracle_NonPositiveAnswer")
          .withArgs(a);
        await expect(market.observeOracle()).to.be.revertedWithCustomError(market, "Oracle_NonPositiveAnswer").withArgs(a);
      }
    });

    it("refuses an incomplete round (answeredInRound < roundId, or updatedAt 0)", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, aggregator, keeper } = fx;
      await aggregator.setRound(101n * 10n ** 8n, BigInt(await time.latest()), 1n);
      let id = await aggregator.latestRound();
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n))
        .to.be.revertedWithCustomError(market, "Oracle_IncompleteRound")
        .withArgs(id, id - 1n);
      await aggregator.setRound(101n * 10n ** 8n, 0n, 0n);
      id = await aggregator.latestRound();
      await expect(market.connect(keeper).updateK(1_001_000n * WAD))
        .to.be.revertedWithCustomError(market, "Oracle_IncompleteRound")
        .withArgs(id, id);
      await setOracle(fx, 101n * WAD);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n)).to.emit(market, "PegUpdated");
    });

    it("hooks refuse an answer older than 60 s; margin paths accept up to 1 h", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper, aggregator } = fx;
      await setOracle(fx, 101n * WAD);
      const updatedAt = BigInt(await time.latest());
      await time.setNextBlockTimestamp(updatedAt + 60n);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 4n)).to.emit(market, "PegUpdated");
      await time.setNextBlockTimestamp(updatedAt + 61n);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 2n))
        .to.be.revertedWithCustomError(market, "Oracle_StaleAnswer")
        .withArgs(updatedAt, 60n);
      await time.setNextBlockTimestamp(updatedAt + 62n);
      await expect(market.connect(keeper).updateK(1_001_000n * WAD))
        .to.be.revertedWithCustomError(market, "Oracle_StaleAnswer")
        .withArgs(updatedAt, 60n);
      // observeOracle / settleFunding use maxOracleAgeMargin (3600 s).
      await time.setNextBlockTimestamp(updatedAt + 3600n);
      await expect(market.observeOracle()).to.not.be.reverted;
      await time.setNextBlockTimestamp(updatedAt + 3601n);
      await expect(market.observeOracle()).to.be.revertedWithCustomError(market, "Oracle_StaleAnswer").withArgs(updatedAt, 3600n);
      await expect(market.settleFunding()).to.be.revertedWithCustomError(market, "Oracle_StaleAnswer").withArgs(updatedAt, 3600n);
      await aggregator.setAnswer(101n * 10n ** 8n);
      await expect(market.settleFunding()).to.emit(market, "FundingSettled");
    });

    it("refuses an answer diverging from the oracle TWAP by more than maxOracleTwapDivergenceBps", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper } = fx;
      const twap = (await market.marketState()).oracleTwap; // 100
      await setOracle(fx, 110n * WAD + WAD / 100n); // 110.01: 1001 bps
      await expect(market.connect(keeper).repeg(101n * WAD))
        .to.be.revertedWithCustomError(market, "Vamm_OracleTwapDivergence")
        .withArgs(((10n * WAD + WAD / 100n) * BPS) / twap, 1000n);
      await expect(market.connect(keeper).updateK(1_001_000n * WAD))
        .to.be.revertedWithCustomError(market, "Vamm_OracleTwapDivergence")
        .withArgs(1001n, 1000n);
      await setOracle(fx, 110n * WAD); // exactly 1000 bps: allowed
      await expect(market.connect(keeper).repeg(101n * WAD)).to.emit(market, "PegUpdated");
    });
  });

  describe("repeg direction", function () {
    it("moves the mark toward the oracle, up to it but never past it", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper } = fx;
      await setOracle(fx, 101n * WAD);
      const st = await market.marketState();
      await expect(market.connect(keeper).repeg(99n * WAD + WAD / 2n))
        .to.be.revertedWithCustomError(market, "Vamm_NotTowardOracle")
        .withArgs(st.mark, 99n * WAD + WAD / 2n, 101n * WAD);
      await expect(market.connect(keeper).repeg(101n * WAD + 1n))
        .to.be.revertedWithCustomError(market, "Vamm_PastOracle")
        .withArgs(101n * WAD + 1n, 101n * WAD);
      await expect(market.connect(keeper).repeg(101n * WAD))
        .to.emit(market, "PegUpdated")
        .withArgs(100n * WAD, 101n * WAD, 0n, 101n * WAD);
      // mark == oracle: no direction is toward it.
      await mine(1);
      await setOracle(fx, 101n * WAD);
      await expect(market.connect(keeper).repeg(101n * WAD - 1n))
        .to.be.revertedWithCustomError(market, "Vamm_NotTowardOracle")
        .withArgs(101n * WAD, 101n * WAD - 1n, 101n * WAD);
    });

    it("moves down toward an oracle below the mark", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper } = fx;
      await setOracle(fx, 99n * WAD);
      await expect(market.connect(keeper).repeg(100n * WAD + 1n))
        .to.be.revertedWithCustomError(market, "Vamm_NotTowardOracle")
        .withArgs(100n * WAD, 100n * WAD + 1n, 99n * WAD);
      await expect(market.connect(keeper).repeg(99n * WAD - 1n))
        .to.be.revertedWithCustomError(market, "Vamm_PastOracle")
        .withArgs(99n * WAD - 1n, 99n * WAD);
      await expect(market.connect(keeper).repeg(99n * WAD + WAD / 2n)).to.emit(market, "PegUpdated");
    });
  });

  describe("repeg direction on the reference mark (the mark TWAP folded to the hook's block)", function () {
    // A long pushed the spot mark above the oracle a block ago; the mark TWAP still sits below it.
    async function pushedAboveOracle(): Promise<{ fx: DammFixture; mark: bigint; peg: bigint; reference: bigint; hookTs: number }> {
      const fx = await loadFixture(wideFixture);
      await setOracle(fx, 100n * WAD + WAD / 2n);
      await openLong(fx, 0, 300_000n * WAD);
      const st = await fx.market.marketState();
      expect(st.mark).to.be.greaterThan(100n * WAD + WAD / 2n);
      const hookTs = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(hookTs);
      const reference = updateTwap(st.markTwap, st.markTwapTimestamp, st.mark, BigInt(hookTs), st.params.twapWindow);
      expect(reference).to.be.lessThan(100n * WAD + WAD / 2n);
      return { fx, mark: st.mark, peg: st.peg, reference, hookTs };
    }

    it("lets a repeg up that the spot mark forbids bring the reference up to the oracle, and stores the folded TWAP", async function () {
      const { fx, peg, reference, hookTs } = await pushedAboveOracle();
      const oracle = 100n * WAD + WAD / 2n;
      // The largest peg with ceil(reference·P'/P) ≤ oracle.
      const newPeg = (oracle * peg) / reference;
      await expect(fx.market.connect(fx.keeper).repeg(newPeg)).to.emit(fx.market, "PegUpdated");
      const after = await fx.market.marketState();
      expect(after.peg).to.equal(newPeg);
      expect(after.markTwap).to.equal(reference);
      expect(after.markTwapTimestamp).to.equal(BigInt(hookTs));
    });

    it("refuses one wei past the reference's oracle, and a repeg down the spot mark allows keeps working", async function () {
      const { fx, mark, peg, reference } = await pushedAboveOracle();
      const oracle = 100n * WAD + WAD / 2n;
      // One wei above the largest allowed peg: ceil(reference·P'/P) passes the oracle.
      const past = (oracle * peg) / reference + 1n;
      expect((reference * past + peg - 1n) / peg).to.be.greaterThan(oracle);
      const st = await fx.market.marketState();
      await expect(fx.market.connect(fx.keeper).repeg(past))
        .to.be.revertedWithCustomError(fx.market, "Vamm_NotTowardOracle")
        .withArgs(mark, (st.quoteReserve * past) / st.baseReserve, oracle);
      // Down toward the oracle on the spot mark: allowed as before.
      await setOracle(fx, oracle);
      await expect(fx.market.connect(fx.keeper).repeg(peg - peg / 1_000n)).to.emit(fx.market, "PegUpdated");
    });
  });

  describe("repeg direction when the reference mark sits on the spot mark's side of the oracle", function () {
    it("judges on the spot mark alone: a repeg past the oracle is refused though the reference would allow it", async function () {
      const fx = await loadFixture(wideFixture);
      const oracle = 100n * WAD + (3n * WAD) / 10n;
      await setOracle(fx, oracle);
      await openLong(fx, 0, 100_000n * WAD); // spot ≈ 100.2 < oracle; the TWAP ≈ 100 lower still
      const st = await fx.market.marketState();
      const hookTs = (await time.latest()) + 1;
      await time.setNextBlockTimestamp(hookTs);
      const reference = updateTwap(st.markTwap, st.markTwapTimestamp, st.mark, BigInt(hookTs), st.params.twapWindow);
      expect(st.mark < oracle && reference < st.mark).to.equal(true);
      // Spot 5 bps past the oracle; the reference moved by the same ratio stays below it.
      const newPeg = (st.peg * (oracle + oracle / 2_000n)) / st.mark;
      const newMark = (st.quoteReserve * newPeg) / st.baseReserve;
      expect(newMark).to.be.greaterThan(oracle);
      expect((reference * newPeg) / st.peg).to.be.lessThan(oracle);
      await expect(fx.market.connect(fx.keeper).repeg(newPeg)).to.be.revertedWithCustomError(fx.market, "Vamm_PastOracle").withArgs(newMark, oracle);
    });
  });

  describe("maxPegChangeBps", function () {
    it("allows exactly maxPegChangeBps and refuses one wei more (reported ceil)", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper } = fx;
      await setOracle(fx, 105n * WAD);
      await expect(market.connect(keeper).repeg(101n * WAD + 1n))
        .to.be.revertedWithCustomError(market, "Vamm_PegChangeTooLarge")
        .withArgs(ceilDiv((WAD + 1n) * BPS, 100n * WAD), 100n);
      await expect(market.connect(keeper).repeg(101n * WAD)).to.emit(market, "PegUpdated").withArgs(100n * WAD, 101n * WAD, 0n, 101n * WAD);
    });
  });

  describe("k change bounds", function () {
    it("allows sqrtK within [−2.2 %, +1 %] and refuses one wei beyond either end", async function () {
      const fx = await loadFixture(wideFixture);
      const { market, keeper } = fx;
      const s = 1_000_000n * WAD;
      await setOracle(fx, 100n * WAD);
      await expect(market.connect(keeper).updateK((s * 10_100n) / BPS + 1n))
        .to.be.revertedWithCustomError(market, "Vamm_KChangeOutOfBounds")
        .withArgs(s, (s * 10_100n) / BPS + 1n);
      await expect(market.connect(keeper).updateK((s * 9_780n) / BPS - 1n))
        .to.be.revertedWithCustomError(market, "Vamm_KChangeOutOfBounds")
        .withArgs(s, (s * 9_780n) / BPS - 1n);
      await expect(market.connect(keeper).updateK((s * 10_100n) / BPS))
        .to.emit(market, "KUpdated")
        .withArgs(s, (s * 10_100n) / BPS, 0n, 100n * WAD);
      await mine(1);
      await setOracle(fx, 100n * WAD);
      const s1 = (s * 10_100n) / BPS;
      await expect(market.connect(keeper).updateK((s1 * 9_780n) / BPS)).to.emit(market, "KUpdated");
    });
  });

  describe("sqrtK ≥ |d|", function () {
    it("refuses a k decrease below the net position and allows sqrtK' = |d|", async function () {
      const fx = await loadFixture(thinMarket);
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("fluctuationLimitBps"), 5000n);
      await market.connect(paramAdmin).setParameter(b32("maxKDecreaseBps"), 1000n);
      // Three large shorts (each below the 50 % per-block limit) push d to about −0.96·sqrtK.
      await openShort(fx, 0, 25_000n * WAD, 10_000n * WAD);
      await openShort(fx, 1, 17_000n * WAD, 10_000n * WAD);
      await openShort(fx, 2, 7_000n * WAD, 10_000n * WAD);
      const st = await market.marketState();
      const absD = abs(st.longOI - st.shortOI);
      expect(absD > (st.sqrtK * 9_000n) / BPS && absD < st.sqrtK).to.equal(true);
      await setOracle(fx, 100n * WAD);
      await expect(market.connect(keeper).updateK(absD - 1n))
        .to.be.revertedWithCustomError(market, "Vamm_SqrtKBelowNetPosition")
        .withArgs(absD - 1n, absD);
      const cost = kCostDirect(curveOf(st), absD);
      expect(cost < 0n).to.equal(true); // lowering k with d ≠ 0 earns
      await expect(market.connect(keeper).updateK(absD)).to.emit(market, "KUpdated").withArgs(st.sqrtK, absD, cost, anyMark());
      expect((await market.marketState()).budget).to.equal(st.budget - cost);
    });
  });

  describe("cost ≤ budget", function () {
    it("refuses a change costing one wei of peg more than the budget, never partly paid", async function () {
      const fx = await loadFixture(tinyBudget);
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("dailyCostCapBps"), BPS);
      await openLong(fx, 0, 10_000n * WAD);
      await setOracle(fx, 101n * WAD);
      const st = await market.marketState();
      const c = curveOf(st);
      const a = netQuote(c);
      const pegMax = st.peg + (st.budget * WAD) / a; // largest peg with cost ≤ budget
      const over = repegCostDirect(c, pegMax + 1n);
      expect(over > st.budget).to.equal(true);
      await expect(market.connect(keeper).repeg(pegMax + 1n))
        .to.be.revertedWithCustomError(market, "Vamm_CostExceedsBudget")
        .withArgs(over, st.budget);
      await expect(market.previewRepeg(pegMax + 1n)).to.be.revertedWithCustomError(market, "Vamm_CostExceedsBudget");
      const after = await market.marketState();
      expect([after.budget, after.peg, after.curSpent]).to.deep.equal([st.budget, st.peg, 0n]);
      const cost = repegCostDirect(c, pegMax);
      expect(cost <= st.budget && cost > st.budget - 200n).to.equal(true);
      await expect(market.connect(keeper).repeg(pegMax))
        .to.emit(market, "PegUpdated")
        .withArgs(st.peg, pegMax, cost, markOf(c.x, c.y, pegMax));
      expect((await market.marketState()).budget).to.equal(st.budget - cost);
    });

    it("refuses a k increase costing more than the budget", async function () {
      const fx = await loadFixture(thinBudgetMarket);
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("fluctuationLimitBps"), 5000n);
      await market.connect(paramAdmin).setParameter(b32("maxPegChangeBps"), 1n); // feeBps 1 allows ⌊2·1e4/10001⌋ = 1 (SPEC §6)
      await market.connect(paramAdmin).setParameter(b32("feeBps"), 1n);
      await openLong(fx, 0, 20_000n * WAD, 4_000n * WAD);
      await setOracle(fx, 100n * WAD);
      const st = await market.marketState();
      const newSqrtK = (st.sqrtK * 10_100n) / BPS;
      const cost = kCostDirect(curveOf(st), newSqrtK);
      expect(cost > st.budget).to.equal(true);
      await expect(market.connect(keeper).updateK(newSqrtK))
        .to.be.revertedWithCustomError(market, "Vamm_CostExceedsBudget")
        .withArgs(cost, st.budget);
      const after = await market.marketState();
      expect([after.sqrtK, after.budget, after.baseReserve]).to.deep.equal([st.sqrtK, st.budget, st.baseReserve]);
      const fits = (st.sqrtK * 10_010n) / BPS;
      const small = kCostDirect(curveOf(st), fits);
      expect(small > 0n && small <= st.budget).to.equal(true);
      await expect(market.connect(keeper).updateK(fits)).to.emit(market, "KUpdated").withArgs(st.sqrtK, fits, small, anyMark());
    });
  });

  describe("cooldown", function () {
    it("refuses a second hook in the same block (default one block)", async function () {
      const fx = await netLongMarket();
      const { market, keeper } = fx;
      await network.provider.send("evm_setAutomine", [false]);
      try {
        const tx1 = await market.connect(keeper).repeg(100n * WAD + WAD / 10n, { gasLimit: 500_000n });
        const tx2 = await market.connect(keeper).repeg(100n * WAD + WAD / 5n, { gasLimit: 500_000n });
        const block = BigInt(await ethers.provider.getBlockNumber()) + 1n;
        await mine(1);
        // Mined in the same block as tx1: decode its revert from the trace.
        expect(await minedRevert(tx2.hash, market)).to.deep.equal(["Vamm_HookCooldown", [block, block]]);
        expect((await tx1.wait())!.status).to.equal(1);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 5n)).to.emit(market, "PegUpdated");
    });

    it("refuses hooks until hookCooldownBlocks have passed", async function () {
      const fx = await netLongMarket();
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("hookCooldownBlocks"), 3n);
      await setOracle(fx, 102n * WAD);
      await market.connect(keeper).repeg(100n * WAD + WAD / 10n);
      const last = BigInt(await ethers.provider.getBlockNumber());
      await expect(market.connect(keeper).updateK(1_000_100n * WAD))
        .to.be.revertedWithCustomError(market, "Vamm_HookCooldown")
        .withArgs(last, last + 1n);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 5n))
        .to.be.revertedWithCustomError(market, "Vamm_HookCooldown")
        .withArgs(last, last + 2n);
      await expect(market.connect(keeper).repeg(100n * WAD + WAD / 5n)).to.emit(market, "PegUpdated"); // last + 3
    });
  });

  describe("rolling 24 h cost cap", function () {
    it("applies the two-window rule: the previous window's spend counts until the window after next", async function () {
      const fx = await netLongMarket(102n * WAD);
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("dailyCostCapBps"), 1n); // cap ≈ 10 WAD on a 100k budget
      const now = BigInt(await time.latest());
      const w0 = now / DAY + 1n;
      await time.setNextBlockTimestamp(w0 * DAY + 100n);
      await setOracle(fx, 102n * WAD);
      const st0 = await market.marketState();
      const cap0 = (st0.budget * 1n) / BPS;
      const step = async (dPeg: bigint) => {
        const st = await market.marketState();
        const newPeg = st.peg + dPeg;
        return { st, newPeg, cost: repegCostDirect(curveOf(st), newPeg) };
      };
      // Window w0: spend c1 ≈ 6 (rolls the window, budgetAtWindowStart = budget).
      const s1 = await step(WAD * 6n / 100n);
      await expect(market.connect(keeper).repeg(s1.newPeg)).to.emit(market, "PegUpdated").withArgs(s1.st.peg, s1.newPeg, s1.cost, anyMark());
      let st = await market.marketState();
      expect([st.windowIndex, st.prevSpent, st.curSpent, st.budgetAtWindowStart]).to.deep.equal([w0, 0n, s1.cost, st0.budget]);
      // c2 ≈ 5 would exceed the cap in the same window.
      await setOracle(fx, 102n * WAD);
      const s2 = await step(WAD * 5n / 100n);
      expect(s1.cost + s2.cost > cap0).to.equal(true);
      await expect(market.connect(keeper).repeg(s2.newPeg))
        .to.be.revertedWithCustomError(market, "Vamm_DailyCostCapExceeded")
        .withArgs(s1.cost, s2.cost, cap0);
      // Revenue does not refill the cap: a k decrease earns, curSpent stays.
      const kDown = (st.sqrtK * 9_990n) / BPS;
      const earn = kCostDirect(curveOf(st), kDown);
      expect(earn < 0n).to.equal(true);
      await expect(market.connect(keeper).updateK(kDown)).to.emit(market, "KUpdated").withArgs(st.sqrtK, kDown, earn, anyMark());
      st = await market.marketState();
      expect(st.curSpent).to.equal(s1.cost);
      await setOracle(fx, 102n * WAD);
      const s2b = await step(WAD * 5n / 100n);
      await expect(market.connect(keeper).repeg(s2b.newPeg))
        .to.be.revertedWithCustomError(market, "Vamm_DailyCostCapExceeded")
        .withArgs(s1.cost, s2b.cost, cap0);
      // Window w0+1: prevSpent = c1 still counts; cap from the new window's budget.
      await time.setNextBlockTimestamp((w0 + 1n) * DAY + 10n);
      await setOracle(fx, 102n * WAD);
      const budget1 = (await market.marketState()).budget;
      const cap1 = (budget1 * 1n) / BPS;
      const s3 = await step(WAD * 5n / 100n);
      expect(s1.cost + s3.cost > cap1).to.equal(true);
      await expect(market.connect(keeper).repeg(s3.newPeg))
        .to.be.revertedWithCustomError(market, "Vamm_DailyCostCapExceeded")
        .withArgs(s1.cost, s3.cost, cap1);
      const s4 = await step(WAD * 2n / 100n);
      expect(s1.cost + s4.cost <= cap1).to.equal(true);
      await expect(market.connect(keeper).repeg(s4.newPeg)).to.emit(market, "PegUpdated");
      st = await market.marketState();
      expect([st.windowIndex, st.prevSpent, st.curSpent, st.budgetAtWindowStart]).to.deep.equal([w0 + 1n, s1.cost, s4.cost, budget1]);
      // Window w0+3 (w0+2 had no hook): nothing carries over.
      await time.setNextBlockTimestamp((w0 + 3n) * DAY + 10n);
      await setOracle(fx, 102n * WAD);
      const s5 = await step(WAD * 6n / 100n);
      await expect(market.connect(keeper).repeg(s5.newPeg)).to.emit(market, "PegUpdated");
      st = await market.marketState();
      expect([st.windowIndex, st.prevSpent, st.curSpent]).to.deep.equal([w0 + 3n, 0n, s5.cost]);
    });

    it("refuses every positive cost when dailyCostCapBps is 0", async function () {
      const fx = await netLongMarket(102n * WAD);
      const { market, keeper, paramAdmin } = fx;
      await market.connect(paramAdmin).setParameter(b32("dailyCostCapBps"), 0n);
      await setOracle(fx, 102n * WAD);
      const st = await market.marketState();
      const cost = repegCostDirect(curveOf(st), st.peg + WAD / 100n);
      await expect(market.connect(keeper).repeg(st.peg + WAD / 100n))
        .to.be.revertedWithCustomError(market, "Vamm_DailyCostCapExceeded")
        .withArgs(0n, cost, 0n);
    });
  });

  describe("fluctuation limit", function () {
    it("refuses an open that moves the mark beyond the limit within a block", async function () {
      const fx = await loadFixture(smallMarket);
      const { market, clearingHouse: ch, traders, addresses } = fx;
      const st = await market.marketState();
      const c = curveOf(st);
      const q = 110_000n * WAD; // y +1.1 % → mark +2.2 %
      const r = afterLong(c, q);
      const move = moveBps(markOf(r.x1, r.y1, c.peg), st.mark);
      expect(move > 200n).to.equal(true);
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, q, 20_000n * WAD, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_FluctuationLimitExceeded")
        .withArgs(move, 200n);
      await expect(ch.connect(traders[0]).openPosition(addresses.market, true, 90_000n * WAD, 20_000n * WAD, 0n, NO_DEADLINE)).to.emit(
        ch,
        "PositionChanged",
      );
    });

    it("allows one reducing trade beyond the limit per block, not two", async function () {
      const fx = await loadFixture(smallMarket);
      const { market, clearingHouse: ch, traders, addresses } = fx;
      // Build two longs over several blocks, each open within the limit.
      await openLong(fx, 0, 90_000n * WAD, 20_000n * WAD);
      await openLong(fx, 1, 90_000n * WAD, 20_000n * WAD);
      await openLong(fx, 0, 80_000n * WAD, 20_000n * WAD);
      await openLong(fx, 1, 80_000n * WAD, 20_000n * WAD);
      const st = await market.marketState();
      await network.provider.send("evm_setAutomine", [false]);
      try {
        const tx1 = await ch.connect(traders[0]).closePosition(addresses.market, 0n, 0n, NO_DEADLINE, { gasLimit: 2_000_000n });
        const tx2 = await ch.connect(traders[1]).closePosition(addresses.market, 0n, 0n, NO_DEADLINE, { gasLimit: 2_000_000n });
        const size0 = (await ch.positionOf(addresses.market, traders[0].address)).size;
        const size1 = (await ch.positionOf(addresses.market, traders[1].address)).size;
        // Trader 0's close moves the mark beyond the limit (allowed once); trader 1's moves it further.
        const c = curveOf(st);
        const x1 = c.x + size0;
        const y1 = ceilDiv(c.sqrtK * c.sqrtK, x1);
        const x2 = x1 + size1;
        const y2 = ceilDiv(c.sqrtK * c.sqrtK, x2);
        expect(moveBps(markOf(x1, y1, c.peg), st.mark) > 200n).to.equal(true);
        await mine(1);
        expect(await minedRevert(tx2.hash, market)).to.deep.equal([
          "Vamm_FluctuationLimitExceeded",
          [moveBps(markOf(x2, y2, c.peg), st.mark), 200n],
        ]);
        expect((await tx1.wait())!.status).to.equal(1);
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      await expect(ch.connect(traders[1]).closePosition(addresses.market, 0n, 0n, NO_DEADLINE)).to.emit(ch, "PositionChanged");
    });
  });

  describe("open-interest cap", function () {
    it("refuses an increase that takes long + short OI over maxOpenInterest", async function () {
      const fx = await loadFixture(smallOiCap);
      const { market, clearingHouse: ch, traders, addresses } = fx;
      await openLong(fx, 0, 10_000n * WAD); // ≈ 100 base
      const st = await market.marketState();
      const r = afterShort(curveOf(st), 6_000n * WAD);
      const oi = st.longOI + st.shortOI + r.base;
      expect(oi > 150n * WAD).to.equal(true);
      await expect(ch.connect(traders[1]).openPosition(addresses.market, false, 6_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE))
        .to.be.revertedWithCustomError(market, "Vamm_OpenInterestCapExceeded")
        .withArgs(oi, 150n * WAD);
      await expect(ch.connect(traders[1]).openPosition(addresses.market, false, 4_000n * WAD, 2_000n * WAD, 0n, NO_DEADLINE)).to.emit(
        ch,
        "PositionChanged",
      );
    });
  });

  describe("parameters", function () {
    // Defaults and hard bounds of every parameter: test/keeper/core/guardTable.test.ts, from the guard table.
    it("refuses an unknown name", async function () {
      const { market, paramAdmin } = await loadFixture(deployDammFixture);
      await expect(market.connect(paramAdmin).setParameter(b32("nope"), 1n))
        .to.be.revertedWithCustomError(market, "Vamm_UnknownParameter")
        .withArgs(b32("nope"));
    });
  });

  describe("events", function () {
    it("reports old and new values and the cost for peg, k and budget changes", async function () {
      const fx = await netLongMarket(101n * WAD);
      const { market, keeper, clearingHouse: ch, admin, addresses } = fx;
      let st = await market.marketState();
      const newPeg = st.peg + WAD / 2n;
      const cost = repegCostDirect(curveOf(st), newPeg);
      await expect(market.connect(keeper).repeg(newPeg))
        .to.emit(market, "PegUpdated")
        .withArgs(st.peg, newPeg, cost, markOf(st.baseReserve, st.quoteReserve, newPeg));
      expect((await market.marketState()).budget).to.equal(st.budget - cost);
      await setOracle(fx, 101n * WAD);
      st = await market.marketState();
      const s1 = st.sqrtK + st.sqrtK / 500n;
      const kc = kCostDirect(curveOf(st), s1);
      const x1 = ceilDiv(st.baseReserve * s1, st.sqrtK);
      const y1 = (st.quoteReserve * s1) / st.sqrtK;
      await expect(market.connect(keeper).updateK(s1)).to.emit(market, "KUpdated").withArgs(st.sqrtK, s1, kc, markOf(x1, y1, st.peg));
      const b = (await market.marketState()).budget;
      expect(b).to.equal(st.budget - kc);
      await expect(ch.connect(admin).fundBudget(addresses.market, 5_000_000n))
        .to.emit(market, "BudgetChanged")
        .withArgs(b, b + 5n * WAD, 0n);
    });
  });
});

/** The custom error (name, args) a mined, failed transaction reverted with (from its trace). */
async function minedRevert(hash: string, c: { interface: Interface }): Promise<[string, bigint[]]> {
  const t = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { failed: boolean; returnValue: string };
  expect(t.failed, "transaction failed").to.equal(true);
  const e = c.interface.parseError("0x" + t.returnValue.replace(/^0x/, ""));
  if (e === null) throw new Error(`unknown revert data ${t.returnValue}`);
  return [e.name, [...e.args] as bigint[]];
}

/** Matches any mark value in withArgs (the value is asserted elsewhere). */
function anyMark(): (v: unknown) => boolean {
  return (v: unknown) => typeof v === "bigint" && v > 0n;
}
