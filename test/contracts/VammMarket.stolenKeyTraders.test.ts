import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { dammFixture, NO_DEADLINE, USDC, WAD, type DammFixture } from "../helpers/deployFixture";
import { BPS, answer8 } from "../helpers/specMath";

// DESIGN §6 and issue 13: a stolen keeper key can move the mark only toward the oracle and spend at
// most the rolling-24 h cap (VammMarket.stolenKey.test.ts) — and it must not hurt traders either:
// attack 3 shrank k with 75 calls of the largest decrease, revenue that no cap counted, until a
// healthy 10× long was liquidated.

const fixture = dammFixture({ traderCount: 6, budget6: 2_000n * USDC });

/** Opens a position at initial margin for trader i, in its own block; a refusal (OI cap, limit) leaves it out. */
async function tradeAtIm(fx: DammFixture, i: number, isLong: boolean, q: bigint, margin: bigint): Promise<void> {
  const { clearingHouse: ch, addresses, traders } = fx;
  try {
    await (await ch.connect(traders[i]).openPosition(addresses.market, isLong, q, margin, 0n, NO_DEADLINE)).wait();
  } catch {
    // e.g. the fluctuation limit after earlier opens in the same direction
  }
}

describe("VammMarket stolen keeper key: traders (issue 13)", function () {
  // Positions opened at initial margin (longs and shorts of random sizes, any net), the oracle anywhere
  // within ±8 % of the mark and then held (only re-stamped so hooks may read it), and a random sequence
  // of keeper calls alone — repegs to any target, k changes of any size, bursts of up to 40 largest k
  // decreases one block apart — with pauses from one block to a day so the day windows roll. After
  // every call, every position that was at ≥ initial margin when the sequence began (by the contract's
  // own marginRatio) is still above maintenance and not liquidatable; at the end liquidate refuses it.
  it("no sequence of hooks alone makes a position that was at ≥ initial margin liquidatable", async function () {
    const totals = { calls: 0, applied: 0, kDecreases: 0, tracked: 0 };
    const hookArb = fc.record({
      kind: fc.constantFrom("repeg", "kAny", "kMaxDown", "kMaxDown", "kMaxUp"),
      factorBps: fc.integer({ min: -5_000, max: 5_000 }),
      pause: fc.constantFrom(0, 12, 600, 3_600, 86_400),
      // The largest k decrease is sent this many times, one block apart (attack 3 used 75 in a row).
      repeat: fc.integer({ min: 1, max: 40 }),
    });
    const positionArb = fc.tuple(fc.boolean(), fc.integer({ min: 20, max: 900 }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(positionArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: -800, max: 800 }),
        fc.array(hookArb, { minLength: 3, maxLength: 10 }),
        async (positions, oracleBps, hooks) => {
          const fx = await loadFixture(fixture);
          const { traders, clearingHouse: ch, market, aggregator, keeper, liquidator } = fx;
          const m = fx.addresses.market;
          const [imBps, mmBps] = await market.marginParams();
          // Positions at initial margin plus 0.5 % of notional (the curve's close value is below the
          // notional by the slippage): margin = ceil(q·(im + 50 bps)) + the open fee.
          for (let i = 0; i < positions.length; i++) {
            const [isLong, k] = positions[i];
            const q = BigInt(k) * 1_000n * WAD;
            const margin = (q * (imBps + 50n) + BPS - 1n) / BPS + (q * 10n + BPS - 1n) / BPS;
            await tradeAtIm(fx, i, isLong, q, margin);
          }
          const price = ((await market.markPrice()) * BigInt(10_000 + oracleBps)) / BPS;
          await (await aggregator.setAnswer(answer8(price))).wait();
          const tracked: string[] = [];
          for (const t of traders) {
            if ((await ch.positionOf(m, t.address)).size === 0n) continue;
            if ((await ch.marginRatio(m, t.address)) >= (imBps * WAD) / BPS) tracked.push(t.address);
          }
          totals.tracked += tracked.length;
          const expanded = hooks.flatMap((h) => (h.kind === "kMaxDown" ? Array.from({ length: h.repeat }, (_, j) => ({ ...h, pause: j === 0 ? h.pause : 0 })) : [h]));
          for (const h of expanded) {
            if (h.pause > 0) await time.increase(h.pause);
            await (await aggregator.setAnswer(answer8(price))).wait();
            const st = await market.marketState();
            let call: () => Promise<ContractTransactionResponse>;
            if (h.kind === "repeg") call = () => market.connect(keeper).repeg((st.peg * BigInt(10_000 + h.factorBps / 10)) / BPS);
            else if (h.kind === "kAny") call = () => market.connect(keeper).updateK((st.sqrtK * BigInt(10_000 + h.factorBps)) / BPS);
            else if (h.kind === "kMaxUp") call = () => market.connect(keeper).updateK((st.sqrtK * (BPS + st.params.maxKIncreaseBps)) / BPS);
            else call = () => market.connect(keeper).updateK((st.sqrtK * (BPS - st.params.maxKDecreaseBps) + BPS - 1n) / BPS);
            totals.calls += 1;
            try {
              await (await call()).wait();
              totals.applied += 1;
              if ((await market.marketState()).sqrtK < st.sqrtK) totals.kDecreases += 1;
            } catch {
              // refused: the guards' job (the other property checks which errors)
            }
            for (const t of tracked) {
              const ratio = await ch.marginRatio(m, t);
              expect(ratio * BPS >= mmBps * WAD, `${t} at ${ratio} after ${totals.calls} calls`).to.equal(true);
              expect(await ch.isLiquidatable(m, t)).to.equal(false);
            }
          }
          for (const t of tracked) {
            await expect(ch.connect(liquidator).liquidate(t, m, 0n)).to.be.revertedWithCustomError(ch, "CH_NotLiquidatable");
          }
        },
      ),
      { numRuns: 100, endOnFailure: true },
    );
    if (process.env.STOLEN_KEY_VERBOSE) console.log(`      ${JSON.stringify(totals)}`);
    expect(totals.tracked).to.be.greaterThan(100);
    // Enough decreases applied to matter (the cumulative k-decrease cap refuses the rest).
    expect(totals.kDecreases).to.be.greaterThan(100);
  });
});
