import { expect } from "chai";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { BPS, ceilDiv } from "../../helpers/specMath";
import { answerOf, errorName, pct, show } from "./attackKit";

// Issue 13, attack 3 (a stolen keeper key shrinks k). With a non-zero net position a k decrease is
// revenue, so on main it never counted against the 24 h cap: 75 calls of updateK(−2.2 %), one per
// block, took sqrtK from 1e6 to 188,545 at an unchanged mark with curSpent still 0, and a healthy 10×
// long went from a 10.0 % to a 6.16 % margin ratio and was liquidated. The regression: the same calls
// (and the key's best continuation, every block for three days) never make that long liquidatable,
// and every refused call is a named guard error.

const VICTIM_QUOTE = 990_000n * WAD; // the largest 10× long one block's fluctuation limit allows
const VICTIM_MARGIN = 99_990n * WAD; // 99,000 after the 990 fee: 10.0 %

/** The victim's long, then the oracle follows the market to the new mark. */
async function fixture(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  await (await fx.clearingHouse.connect(fx.traders[1]).openPosition(fx.addresses.market, true, VICTIM_QUOTE, VICTIM_MARGIN, 0n, NO_DEADLINE)).wait();
  await (await fx.aggregator.setAnswer(answerOf(await fx.market.markPrice()))).wait();
  return fx;
}

interface KeyRun {
  calls: number;
  applied: number;
  revenue: bigint;
  readonly refusals: Map<string, number>;
}

/** One updateK(sqrtK·(1 − maxKDecreaseBps)) by the stolen key, with the oracle kept fresh at the mark. */
async function shrinkOnce(fx: DammFixture, run: KeyRun): Promise<void> {
  const { market, keeper, aggregator } = fx;
  const st = await market.marketState();
  await (await aggregator.setAnswer(answerOf(st.mark))).wait();
  // The lowest sqrtK the per-call bound admits (the bound is inclusive; round up onto it).
  const target = ceilDiv(st.sqrtK * (BPS - st.params.maxKDecreaseBps), BPS);
  run.calls += 1;
  try {
    const rc = await (await market.connect(keeper).updateK(target)).wait();
    run.applied += 1;
    for (const log of rc!.logs) {
      const ev = log.address === fx.addresses.market ? market.interface.parseLog(log) : null;
      if (ev?.name === "KUpdated") run.revenue -= ev.args.cost as bigint;
    }
    expect((await market.marketState()).mark).to.be.closeTo(st.mark, st.mark / 10n ** 9n);
  } catch (e) {
    const name = errorName(fx, e).split("(")[0];
    expect(name.startsWith("Vamm_") || name.startsWith("Oracle_"), `unexpected refusal ${name}`).to.equal(true);
    run.refusals.set(name, (run.refusals.get(name) ?? 0) + 1);
  }
}

async function expectHealthy(fx: DammFixture): Promise<bigint> {
  const { clearingHouse: ch, traders, liquidator, market } = fx;
  const m = fx.addresses.market;
  const victim = traders[1].address;
  const ratio = await ch.marginRatio(m, victim);
  const [, mmBps] = await market.marginParams();
  expect(ratio >= (mmBps * WAD) / BPS, `victim at ${pct(ratio)}`).to.equal(true);
  expect(await ch.isLiquidatable(m, victim)).to.equal(false);
  let equity = 0n;
  await expect(ch.connect(liquidator).liquidate(victim, m, 0n))
    .to.be.revertedWithCustomError(ch, "CH_NotLiquidatable")
    .withArgs(
      (e: bigint) => {
        equity = e;
        return true;
      },
      (maintenance: bigint) => equity >= maintenance,
    );
  return ratio;
}

describe("Attack 3: stolen keeper key shrinks k (issue 13)", function () {
  describe("a healthy 10× long of 990,000 (the net position), oracle = mark", function () {
    it("75 calls of updateK(−2.2 %), one per block: the long stays above maintenance and cannot be liquidated", async function () {
      const fx = await loadFixture(fixture);
      const ratio0 = await fx.clearingHouse.marginRatio(fx.addresses.market, fx.traders[1].address);
      const sqrtK0 = (await fx.market.marketState()).sqrtK;
      const run: KeyRun = { calls: 0, applied: 0, revenue: 0n, refusals: new Map() };
      for (let i = 0; i < 75; i++) await shrinkOnce(fx, run);
      const st = await fx.market.marketState();
      const ratio = await fx.clearingHouse.marginRatio(fx.addresses.market, fx.traders[1].address);
      show("75 calls", {
        applied: run.applied,
        sqrtK: `${sqrtK0 / WAD} → ${st.sqrtK / WAD}`,
        revenue: run.revenue,
        curSpent: st.curSpent,
        victimRatio: `${pct(ratio0)} → ${pct(ratio)}`,
        refusals: JSON.stringify(Object.fromEntries(run.refusals)),
      });
      const [imBps] = await fx.market.marginParams();
      expect(ratio0 >= (imBps * WAD) / BPS - WAD / 10_000n, `the victim started at initial margin (${pct(ratio0)})`).to.equal(true);
      await expectHealthy(fx);
    });

    it("best continuation: the key calls at every block it may for three days (bursts each hour): still not liquidatable", async function () {
      const fx = await loadFixture(fixture);
      const run: KeyRun = { calls: 0, applied: 0, revenue: 0n, refusals: new Map() };
      for (let hour = 0; hour < 72; hour++) {
        for (let i = 0; i < 6; i++) await shrinkOnce(fx, run);
        await mine(300, { interval: 12 });
      }
      const st = await fx.market.marketState();
      const ratio = await expectHealthy(fx);
      show("three days", { calls: run.calls, applied: run.applied, sqrtK: `${st.sqrtK / WAD}`, revenue: run.revenue, victimRatio: pct(ratio), refusals: JSON.stringify(Object.fromEntries(run.refusals)) });
    });
  });
});
