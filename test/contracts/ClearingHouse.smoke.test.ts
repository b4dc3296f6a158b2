import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, USDC, WAD, COLLATERAL_SCALE } from "../helpers/deployFixture";

// Exact bigint mirror of SPEC §2/§4 for the values this smoke test checks.
const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
const bpsUp = (a: bigint, bps: bigint): bigint => ceilDiv(a * bps, 10_000n);
const bpsDown = (a: bigint, bps: bigint): bigint => (a * bps) / 10_000n;
const kOver = (sqrtK: bigint, v: bigint): bigint => ceilDiv(sqrtK * sqrtK, v);
const mark = (x: bigint, y: bigint, peg: bigint): bigint => (y * peg) / x;

function longBase(x: bigint, y: bigint, sqrtK: bigint, peg: bigint, q: bigint) {
  const y1 = y + (q * WAD) / peg;
  const x1 = kOver(sqrtK, y1);
  return { x1, y1, base: x - x1 };
}
function closeLongQuote(x: bigint, y: bigint, sqrtK: bigint, peg: bigint, b: bigint) {
  const x1 = x + b;
  const y1 = kOver(sqrtK, x1);
  return { x1, y1, quote: y1 < y ? ((y - y1) * peg) / WAD : 0n };
}
/** Toward +∞ (SPEC §4). */
function mulWadUp(a: bigint, b: bigint): bigint {
  const p = a * b;
  return p >= 0n ? ceilDiv(p, WAD) : -((-p) / WAD);
}

describe("ClearingHouse smoke (deploy → deposit → open → close → repeg → updateK → settleFunding)", function () {
  it("runs the whole life cycle with exact values", async function () {
    const fx = await loadFixture(deployDammFixture);
    const { clearingHouse: ch, market, aggregator, usdc, traders, keeper, addresses } = fx;
    const [alice, bob] = traders;
    const m = addresses.market;

    // ---- deploy
    let st = await market.marketState();
    expect(st.mark).to.equal(100n * WAD);
    expect(st.peg).to.equal(100n * WAD);
    expect(st.baseReserve).to.equal(1_000_000n * WAD);
    expect(st.oracleTwap).to.equal(100n * WAD);
    expect(st.budget).to.equal(100_000n * WAD);
    expect(st.params.feeBps).to.equal(10n);
    expect(st.params.maxOpenInterest).to.equal(1_000_000n * WAD);
    expect(await usdc.balanceOf(addresses.clearingHouse)).to.equal(100_000n * USDC + 5n * 100_000n * USDC);

    // ---- deposit
    expect(await ch.freeCollateral(alice.address)).to.equal(100_000n * USDC * COLLATERAL_SCALE);

    // ---- open: alice long 10_000 quote with 2_000 margin
    const q = 10_000n * WAD;
    const margin = 2_000n * WAD;
    const open = longBase(st.baseReserve, st.quoteReserve, st.sqrtK, st.peg, q);
    const fee = bpsUp(q, 10n);
    await expect(ch.connect(alice).openPosition(m, true, q, margin, open.base, NO_DEADLINE))
      .to.emit(ch, "PositionChanged")
      .withArgs(alice.address, m, open.base, -q, fee, 0n, open.base, margin - fee)
      .and.to.emit(market, "FeeCollected")
      .withArgs(fee, fee - bpsDown(fee, 5000n), bpsDown(fee, 5000n));
    let pos = await ch.positionOf(m, alice.address);
    expect(pos.size).to.equal(open.base);
    expect(pos.openNotional).to.equal(q);
    st = await market.marketState();
    expect(st.baseReserve).to.equal(open.x1);
    expect(st.quoteReserve).to.equal(open.y1);
    expect(st.longOI).to.equal(open.base);
    expect(st.budget).to.equal(100_000n * WAD + fee - bpsDown(fee, 5000n));

    // bob opens a long that stays open (net position for the hooks)
    const bobOpen = longBase(st.baseReserve, st.quoteReserve, st.sqrtK, st.peg, q);
    await ch.connect(bob).openPosition(m, true, q, margin, 0n, NO_DEADLINE);
    st = await market.marketState();
    expect(st.longOI).to.equal(open.base + bobOpen.base);

    // ---- full close of alice
    const close = closeLongQuote(st.baseReserve, st.quoteReserve, st.sqrtK, st.peg, open.base);
    const closeFee = bpsUp(close.quote, 10n);
    const pnl = close.quote - q;
    const freeBefore = await ch.freeCollateral(alice.address);
    await expect(ch.connect(alice).closePosition(m, 0n, 0n, NO_DEADLINE))
      .to.emit(ch, "PositionChanged")
      .withArgs(alice.address, m, -open.base, close.quote, closeFee, pnl, 0n, margin - fee + pnl - closeFee);
    expect(await ch.freeCollateral(alice.address)).to.equal(freeBefore + margin - fee + pnl - closeFee);
    pos = await ch.positionOf(m, alice.address);
    expect(pos.size).to.equal(0n);
    expect(pos.margin).to.equal(0n);

    // ---- repeg toward a higher oracle (net long → the protocol pays)
    await aggregator.setAnswer(101n * 10n ** 8n);
    st = await market.marketState();
    const d = st.longOI - st.shortOI;
    expect(d).to.equal(bobOpen.base);
    // +0.18 %: within maxPegChangeBps (19, the sandwich bound for feeBps 10) with room left in the
    // hook window for the k increase below (SPEC §6).
    const newPeg = st.peg + (st.peg * 18n) / 10_000n;
    const yt = kOver(st.sqrtK, st.baseReserve + d);
    const repegCost = mulWadUp(st.quoteReserve - yt, newPeg - st.peg);
    expect(repegCost > 0n).to.equal(true);
    const newMark = mark(st.baseReserve, st.quoteReserve, newPeg);
    const [previewCost, previewMark] = await market.previewRepeg(newPeg);
    expect(previewCost).to.equal(repegCost);
    expect(previewMark).to.equal(newMark);
    await expect(market.connect(keeper).repeg(newPeg))
      .to.emit(market, "PegUpdated")
      .withArgs(st.peg, newPeg, repegCost, newMark);
    const afterRepeg = await market.marketState();
    expect(afterRepeg.budget).to.equal(st.budget - repegCost);
    expect(afterRepeg.curSpent).to.equal(repegCost);
    expect(afterRepeg.lastHookBlock).to.equal(BigInt(await ethers.provider.getBlockNumber()));

    // ---- updateK +0.5 % in the next block (cooldown 1)
    await mine(1);
    await aggregator.setAnswer(101n * 10n ** 8n);
    st = await market.marketState();
    const newSqrtK = st.sqrtK + st.sqrtK / 200n;
    const x1 = ceilDiv(st.baseReserve * newSqrtK, st.sqrtK);
    const y1 = (st.quoteReserve * newSqrtK) / st.sqrtK;
    const before = st.quoteReserve - kOver(st.sqrtK, st.baseReserve + d);
    const after = y1 - kOver(newSqrtK, x1 + d);
    const kCost = mulWadUp(after - before, st.peg);
    expect(kCost > 0n).to.equal(true); // raising k with d ≠ 0 costs
    await expect(market.connect(keeper).updateK(newSqrtK))
      .to.emit(market, "KUpdated")
      .withArgs(st.sqrtK, newSqrtK, kCost, mark(x1, y1, st.peg));
    const afterK = await market.marketState();
    expect(afterK.baseReserve).to.equal(x1);
    expect(afterK.quoteReserve).to.equal(y1);
    expect(afterK.budget).to.equal(st.budget - kCost);
    expect(afterK.curSpent).to.equal(repegCost + kCost);

    // ---- funding after one period
    await time.increase(3600);
    await aggregator.setAnswer(101n * 10n ** 8n);
    const budgetBefore = (await market.marketState()).budget;
    const tx = await market.settleFunding();
    const rc = await tx.wait();
    const ev = rc!.logs
      .map((l) => {
        try {
          return market.interface.parseLog(l);
        } catch {
          return null;
        }
      })
      .find((e) => e?.name === "FundingSettled");
    expect(ev, "FundingSettled emitted").to.not.equal(undefined);
    const [f, fLong, fShort, ammReceived, ammPaid, markTwap, oracleTwap] = ev!.args as unknown as bigint[];
    let premium = markTwap - oracleTwap;
    const cap = (oracleTwap * 1000n) / 10_000n;
    if (premium > cap) premium = cap;
    if (premium < -cap) premium = -cap;
    const fExpected = (premium * 3600n) / 86400n; // bigint division truncates toward zero like Solidity
    expect(f).to.equal(fExpected);
    expect(f < 0n).to.equal(true); // mark (~100.5) below oracle (101): shorts pay, longs receive
    // Only longs are open, so the AMM (short d) pays them, capped at a third of the budget.
    expect(ammReceived).to.equal(0n);
    expect(ammPaid).to.equal(ceilDiv(-f * d, WAD));
    expect(fShort).to.equal(f);
    expect(fLong).to.equal(-((0n + ammPaid) * WAD) / d);
    const [cumLong, cumShort] = await ch.fundingIndices(m);
    expect(cumLong).to.equal(fLong);
    expect(cumShort).to.equal(fShort);
    expect((await market.marketState()).budget).to.equal(budgetBefore - ammPaid);
    // Bob receives funding: pending is negative (he is owed), floor of size · |fLong|.
    expect(await ch.pendingFunding(m, bob.address)).to.equal(-((bobOpen.base * -fLong) / WAD));

    // ---- withdraw stays exact at the vault boundary
    const bal = await usdc.balanceOf(alice.address);
    await ch.connect(alice).withdraw(1_000n * USDC);
    expect(await usdc.balanceOf(alice.address)).to.equal(bal + 1_000n * USDC);
  });

  it("reverts hooks for non-keepers and setParameter outside bounds, with arguments", async function () {
    const { market, traders, paramAdmin, roles } = await loadFixture(deployDammFixture);
    await expect(market.connect(traders[0]).repeg(101n * WAD))
      .to.be.revertedWithCustomError(market, "AccessControlUnauthorizedAccount")
      .withArgs(traders[0].address, roles.KEEPER_ROLE);
    const name = ethers.encodeBytes32String("feeBps");
    await expect(market.connect(paramAdmin).setParameter(name, 101n))
      .to.be.revertedWithCustomError(market, "Vamm_InvalidParameter")
      .withArgs(name, 101n, 10n, 100n); // min 10 = ⌈19·1e4/(2e4 − 19)⌉: the sandwich bound for maxPegChangeBps 19
  });

  it("round-trips every parameter through the packed storage", async function () {
    const { market, paramAdmin } = await loadFixture(deployDammFixture);
    const values: Record<string, bigint> = {
      feeBps: 37n,
      fluctuationLimitBps: 4321n,
      twapWindow: 604_800n,
      reserveShareBps: 8999n,
      imBps: 4999n,
      fundingPeriod: 86_400n,
      fundingCapBps: 4999n,
      fundingBudgetShareBps: 10_000n,
      maxOracleAgeHooks: 86_399n,
      maxOracleAgeMargin: 77n,
      maxOracleTwapDivergenceBps: 4998n,
      maxPegChangeBps: 73n, // ≤ ⌊2·37·1e4/(1e4 + 37)⌋ = 73 (the sandwich bound for feeBps 37)
      maxDailyKDecreaseBps: 1999n,
      hookWindowSeconds: 86_399n,
      oracleBreakerBps: 4999n,
      maxLiquidationSlippageBps: 4998n,
      maxKIncreaseBps: 999n,
      maxKDecreaseBps: 998n,
      hookCooldownBlocks: 7200n,
      dailyCostCapBps: 9_999n,
      mmBps: 4000n,
      liquidationFeeBps: 999n,
      maxOpenInterest: 123_456n * WAD,
    };
    const before = await market.marketState();
    for (const [k, v] of Object.entries(values)) {
      const name = ethers.encodeBytes32String(k);
      const old = (before.params as unknown as Record<string, bigint>)[k];
      await expect(market.connect(paramAdmin).setParameter(name, v))
        .to.emit(market, "ParameterChanged")
        .withArgs(name, old, v);
    }
    const after = await market.marketState();
    for (const [k, v] of Object.entries(values)) {
      expect((after.params as unknown as Record<string, bigint>)[k], k).to.equal(v);
    }
    // The slots shared with hot state are untouched.
    expect(after.budget).to.equal(before.budget);
    expect(after.longOI).to.equal(before.longOI);
    expect(after.reduceOnly).to.equal(false);
    expect(after.markTwapTimestamp).to.equal(before.markTwapTimestamp);
  });
});
