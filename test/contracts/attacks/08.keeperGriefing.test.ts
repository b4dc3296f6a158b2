import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { BPS, DAY } from "../../helpers/specMath";
import { answerOf, findEvent, inOneBlock, revertReason, show } from "./attackKit";

// Issue 13, attack 8 (keeper griefing). The daily cost cap is nearly used; the keeper sends a repeg
// whose cost fits what is left. On main an attacker front-running it with a large position in the
// repeg's direction pushed the repeg's cost past the cap and the keeper's transaction reverted
// Vamm_DailyCostCapExceeded. The fix (contracts decision #8) is a hook that fits its step to the caps
// at execution, repegToward(target, minPeg). The regression: the same front-run cannot make the
// keeper's repegToward revert — it lands, moves the peg toward the oracle, and spends within the cap.

const ORACLE = 108n * WAD;

/** What the daily cost cap leaves for a hook at `now` (SPEC §6: the day windows roll at the hook). */
async function capLeft(fx: DammFixture, now: bigint): Promise<{ cap: bigint; left: bigint }> {
  const st = await fx.market.marketState();
  const window = now / DAY;
  const rolls = st.lastHookTimestamp === 0n || window !== st.windowIndex;
  const prev = !rolls ? st.prevSpent : window === st.windowIndex + 1n ? st.curSpent : 0n;
  const cur = rolls ? 0n : st.curSpent;
  const cap = ((rolls ? st.budget : st.budgetAtWindowStart) * st.params.dailyCostCapBps) / BPS;
  return { cap, left: cap - prev - cur };
}

/**
 * A resting 900,000 long; the keeper repegs up by the largest step every two hook windows (the move
 * cap counts the previous and the current window) until the daily cost cap is nearly used.
 */
async function fixture(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  const { clearingHouse: ch, traders, market, keeper, aggregator } = fx;
  // Start just after a day boundary, so the whole setup and the attack fall in one day window.
  await time.increaseTo((BigInt(await time.latest()) / DAY + 1n) * DAY + 60n);
  await (await aggregator.setAnswer(answerOf(100n * WAD))).wait();
  await (await ch.connect(traders[1]).openPosition(fx.addresses.market, true, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE)).wait();
  for (let i = 0; i < 40; i++) {
    await time.increase(2n * (await market.marketState()).params.hookWindowSeconds);
    await (await aggregator.setAnswer(answerOf(ORACLE))).wait();
    const st = await market.marketState();
    const { left } = await capLeft(fx, BigInt(await time.latest()) + 1n);
    const step = (st.peg * (BPS + st.params.maxPegChangeBps)) / BPS;
    const [cost] = await market.previewRepeg(step);
    // Stop where the next step fits alone but not twice: the move cap already allows it (two windows
    // have passed since the last repeg), and ≈ 22 h into the day window.
    if (2n * cost > left) break;
    await (await market.connect(keeper).repeg(step)).wait();
  }
  return fx;
}

describe("Attack 8: keeper griefing (issue 13)", function () {
  describe("the daily cap nearly used by the keeper's repegs, a resting 900,000 long, oracle above the mark", function () {
    it("a 900,000 long front-running the keeper's repegToward does not make it revert; the cap holds", async function () {
      const fx = await loadFixture(fixture);
      const { clearingHouse: ch, market, keeper, traders, aggregator } = fx;
      const m = fx.addresses.market;
      await (await aggregator.setAnswer(answerOf(ORACLE))).wait();
      const st = await market.marketState();
      const { cap, left } = await capLeft(fx, BigInt(await time.latest()) + 1n);
      const step = (st.peg * (BPS + st.params.maxPegChangeBps)) / BPS;
      const [plannedCost] = await market.previewRepeg(step);
      expect(plannedCost <= left && 2n * plannedCost > left, "the premise: the step fits alone, not with the front-run").to.equal(true);
      const res = await inOneBlock([
        { label: "front-run", send: (o) => ch.connect(traders[0]).openPosition(m, true, 900_000n * WAD, 95_000n * WAD, 0n, NO_DEADLINE, o) },
        { label: "repegToward", send: (o) => market.connect(keeper).repegToward(step, st.peg + 1n, o) },
      ]);
      const ev = findEvent(market, [res[1].receipt], "PegUpdated");
      const after = await market.marketState();
      show("front-run", {
        capLeft: left,
        plannedCost,
        frontRun: res[0].ok ? "landed" : "refused",
        keeper: res[1].ok ? `applied, peg +${((after.peg - st.peg) * 10n ** 6n) / st.peg} ppm, cost ${(ev!.args.cost as bigint) / WAD}` : await revertReason(fx, res[1]),
      });
      expect(res[0].ok, "the front-run").to.equal(true);
      expect(res[1].ok, `the keeper's hook reverted: ${await revertReason(fx, res[1])}`).to.equal(true);
      expect(after.peg > st.peg && after.peg <= step).to.equal(true);
      expect(ev!.args.cost as bigint).to.be.lte(left);
      expect(after.prevSpent + after.curSpent).to.be.lte(cap);
    });
  });
});
