import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, WAD, type DammFixture } from "../../helpers/deployFixture";
import { BPS, abs } from "../../helpers/specMath";
import { answerOf, findEvent, show } from "./attackKit";

// Issue 13, attack 6 (oracle TWAP bypass). On main the oracle TWAP folded the *current* answer over the
// whole time since its last update: after a quiet hour at 100 and a 40 % jump to 140, one
// permissionless observeOracle() moved the TWAP to 140 and a repeg that had reverted on divergence
// went through; funding's "oracle TWAP" was the spot at settlement. The regression: the fold uses the
// answer that held (100) for the elapsed hour, the repeg stays refused by name, and funding settles
// against the TWAP of what held.

async function fixture(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  // The market has observed 100; then a quiet hour.
  await (await fx.market.observeOracle()).wait();
  await time.increase(3_600);
  await (await fx.aggregator.setAnswer(answerOf(140n * WAD))).wait();
  return fx;
}

/** SPEC §5: `price`, which held since `lastTs`, folded into `twap` (floor). */
function foldTwap(twap: bigint, lastTs: bigint, price: bigint, now: bigint, window: bigint): bigint {
  if (now <= lastTs) return twap;
  const dt = now - lastTs;
  const w = window > dt ? window - dt : 0n;
  return (twap * w + price * dt) / (w + dt);
}

/** The divergence the hook guard reports: floor(|answer − twap|·1e4 / twap). */
const divergenceBps = (answer: bigint, twap: bigint): bigint => (abs(answer - twap) * BPS) / twap;

describe("Attack 6: oracle TWAP bypass (issue 13)", function () {
  describe("a quiet hour at 100, then the oracle jumps 40 % to 140", function () {
    it("the keeper's repeg is refused on divergence", async function () {
      const fx = await loadFixture(fixture);
      const st = await fx.market.marketState();
      const peg = (st.peg * 101n) / 100n;
      await expect(fx.market.connect(fx.keeper).repeg(peg))
        .to.be.revertedWithCustomError(fx.market, "Vamm_OracleTwapDivergence")
        .withArgs(divergenceBps(140n * WAD, st.oracleTwap), st.params.maxOracleTwapDivergenceBps);
    });

    it("one observeOracle() folds the answer that held (100) for the hour, and the repeg is still refused", async function () {
      const fx = await loadFixture(fixture);
      const before = await fx.market.marketState();
      await (await fx.market.observeOracle()).wait();
      const after = await fx.market.marketState();
      show("observeOracle", { twapBefore: before.oracleTwap, twapAfter: after.oracleTwap });
      expect(after.oracleTwap).to.equal(before.oracleTwap); // 100 held over the whole window
      // The repeg one second later: 140 has held for that second, so the guard's TWAP is the fold of it.
      const t = after.oracleTwapTimestamp + 1n;
      await time.setNextBlockTimestamp(t);
      const twapNow = foldTwap(after.oracleTwap, after.oracleTwapTimestamp, 140n * WAD, t, after.params.twapWindow);
      const peg = (after.peg * 101n) / 100n;
      await expect(fx.market.connect(fx.keeper).repeg(peg))
        .to.be.revertedWithCustomError(fx.market, "Vamm_OracleTwapDivergence")
        .withArgs(divergenceBps(140n * WAD, twapNow), after.params.maxOracleTwapDivergenceBps);
    });

    it("funding settled right after the jump uses the hour's TWAP (100), not the spot (140)", async function () {
      const fx = await loadFixture(fixture);
      const before = await fx.market.marketState();
      const rc = await (await fx.market.settleFunding()).wait();
      const ev = findEvent(fx.market, [rc!], "FundingSettled");
      show("funding", { oracleTwap: ev!.args.oracleTwap as bigint, markTwap: ev!.args.markTwap as bigint, f: ev!.args.f as bigint });
      expect(ev!.args.oracleTwap).to.equal(before.oracleTwap);
    });
  });
});
