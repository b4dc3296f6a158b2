import { expect } from "chai";
import fc from "fast-check";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployDammFixture, NO_DEADLINE, WAD, type DammFixture } from "../../helpers/deployFixture";
import { answerOf, findEvent, show } from "./attackKit";

// Issue 13, attack 10 (dust on the receiving side of a scaled funding period) — suspected, NOT reachable.
// Suspicion: when the AMM pays funding, the receivers' rate is (paid + ammPaid)·WAD / receiversOI; an
// attacker holding the receiving OI at 1 wei of base while the other side is large could make the rate
// overflow the int128 index (settleFunding reverts forever) or pay a huge index out on close.
// Why it fails (SPEC §8, FundingMathWad.compute):
//  - The AMM pays only when the receiving side is the NET side (it holds −d), so receiversOI R =
//    payersOI P + |d| > P. "Tiny receivers, large payers" is the other case: the AMM receives and both
//    sides settle at the unscaled f (scenario B: fLong == fShort == f).
//  - When it pays, ammPaid ≤ ceil(|f|·|d|/WAD), so rate·R/WAD ≤ floor(|f|·P/WAD) + ammPaid ≤
//    |f|·R/WAD + 1 wei, i.e. rate ≤ |f| + WAD/R ≤ |f| + 1e18 (R ≥ 1 wei). The only excess over the
//    payers' rate is the AMM's ceil of at most 1 wei spread over R: with R = 1 wei, +1 quote per base
//    on the index, worth exactly 1 wei to the only position on that side.
//  - Every receiving position is in R at settlement (a position opened later snapshots the new epoch)
//    and each floors its share, so the side is credited at most paid + ammPaid: a big index on a dust
//    side pays out only what the AMM paid (1 wei per period here). int128 (1.7e38) needs > 1e20 such
//    periods (≥ 600 s each) to overflow.
// Smallest positions the contracts allow (default curve, mark 100): a long of 1 wei of base (quote 200
// wei; less reverts Vamm_ZeroBaseAmount), a short of 2 wei (the curve rounds base owed up). So the
// attacker is a 1-wei LONG alone on the market, the oracle 15 % above the mark (shorts owe, the funding
// cap binds, the AMM — net short — pays the longs), 24 hourly settlements (scenario A); scenario B puts
// the same dust long against a 500,000-quote short.

const PERIODS = 24;
const INT128_MAX = (1n << 127n) - 1n;

/** Opens the smallest long the contracts allow (the least quote that moves ≥ 1 wei of base). */
async function dustLong(fx: DammFixture, trader: (typeof fx.traders)[number]): Promise<bigint> {
  const ch = fx.clearingHouse.connect(trader);
  const m = fx.addresses.market;
  const opens = async (q: bigint): Promise<boolean> =>
    ch.openPosition.staticCall(m, true, q, WAD, 0n, NO_DEADLINE).then(() => true, () => false);
  let hi = 1n;
  while (!(await opens(hi))) {
    hi *= 2n;
    if (hi > 10n ** 9n) throw new Error("no dust long opens below 1e9 wei of quote");
  }
  let lo = hi / 2n; // does not open (or 0)
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (await opens(mid)) hi = mid;
    else lo = mid;
  }
  await (await ch.openPosition(m, true, hi, WAD, 0n, NO_DEADLINE)).wait();
  return hi;
}

async function bare(): Promise<DammFixture> {
  return deployDammFixture();
}

async function dustAlone(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  await dustLong(fx, fx.traders[0]);
  return fx;
}

async function dustAgainstLargeShort(): Promise<DammFixture> {
  const fx = await deployDammFixture();
  await dustLong(fx, fx.traders[0]);
  await mine(1, { interval: 12 });
  await (await fx.clearingHouse.connect(fx.traders[1]).openPosition(fx.addresses.market, false, 500_000n * WAD, 60_000n * WAD, 0n, NO_DEADLINE)).wait();
  return fx;
}

interface Period {
  f: bigint;
  fLong: bigint;
  fShort: bigint;
  ammPaid: bigint;
  ammReceived: bigint;
}

/** One settlement an hour later with the oracle 15 % above the mark (shorts owe funding). */
async function settleWithOracleOverMark(fx: DammFixture): Promise<Period> {
  return settleWithOracleAt(fx, 11_500n);
}

/** One settlement a period later with the oracle at `bps`/1e4 of the mark, held through the period. */
async function settleWithOracleAt(fx: DammFixture, bps: bigint): Promise<Period> {
  // The oracle TWAP folds the answer that held (attack 6): observe the new answer, let it hold a
  // period, refresh it (staleness) and settle.
  const answer = answerOf(((await fx.market.markPrice()) * bps) / 10_000n);
  await (await fx.aggregator.setAnswer(answer)).wait();
  await (await fx.market.observeOracle()).wait();
  await time.increase(3_600);
  await (await fx.aggregator.setAnswer(answer)).wait();
  const rc = await (await fx.market.settleFunding()).wait();
  const ev = findEvent(fx.market, [rc!], "FundingSettled");
  if (ev === null) throw new Error("settleFunding emitted no FundingSettled");
  const a = ev.args;
  return { f: a.f, fLong: a.fLong, fShort: a.fShort, ammPaid: a.ammPaid, ammReceived: a.ammReceived };
}

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

describe("Attack 10: dust on the receiving side of a scaled funding period (issue 13)", function () {
  describe("a 1-wei long alone, the oracle 15 % above the mark: the AMM pays the longs", function () {
    it(`${PERIODS} settlements never revert; the receivers' rate stays within |f| + WAD/longOI`, async function () {
      const fx = await loadFixture(dustAlone);
      const [longOI, shortOI] = await fx.market.openInterest();
      expect(shortOI).to.equal(0n);
      expect(longOI, "the attacker's dust is the whole receiving side").to.equal(1n);
      const budget0 = (await fx.market.marketState()).budget;
      const [cumLong0] = await fx.clearingHouse.fundingIndices(fx.addresses.market);

      let sumLong = 0n;
      let sumPaid = 0n;
      let maxAbsF = 0n;
      for (let i = 0; i < PERIODS; i++) {
        const p = await settleWithOracleOverMark(fx);
        expect(p.f < 0n, "shorts owe (the attack's premise)").to.equal(true);
        const absF = -p.f;
        expect(p.fShort).to.equal(p.f);
        // The AMM (short 1 wei) owes ceil(|f|·1/WAD) = 1 wei and pays it (well inside its caps).
        expect(p.ammPaid).to.equal(ceilDiv(absF * longOI, WAD));
        expect(p.ammPaid).to.equal(1n);
        // Receivers' rate = floor((floor(|f|·S/WAD) + ammPaid)·WAD / L): 1 quote per base here …
        expect(-p.fLong).to.equal((((absF * shortOI) / WAD + p.ammPaid) * WAD) / longOI);
        // … above the payers' rate only by the AMM's 1-wei ceil spread over L: rate ≤ |f| + WAD/L.
        expect(-p.fLong <= absF + WAD / longOI, `rate ${-p.fLong} > |f| ${absF} + WAD/L`).to.equal(true);
        // What the side can be credited never exceeds what was paid in.
        expect((-p.fLong * longOI) / WAD <= (absF * shortOI) / WAD + p.ammPaid).to.equal(true);
        sumLong += p.fLong;
        sumPaid += p.ammPaid;
        if (absF > maxAbsF) maxAbsF = absF;
      }
      const [cumLong] = await fx.clearingHouse.fundingIndices(fx.addresses.market);
      expect(cumLong - cumLong0).to.equal(sumLong);
      expect(sumLong).to.equal(-BigInt(PERIODS) * WAD);
      // Periods until int128 overflows at this (maximal, R = 1 wei) per-period increment.
      const periodsToOverflow = INT128_MAX / (maxAbsF + WAD);
      expect(periodsToOverflow > 10n ** 20n, `int128 overflows after ${periodsToOverflow} periods`).to.equal(true);
      // The budget lost exactly what the AMM paid: 1 wei a period.
      expect(budget0 - (await fx.market.marketState()).budget).to.equal(sumPaid);
      expect(sumPaid).to.equal(BigInt(PERIODS));
      show("dust alone", {
        absF: `${maxAbsF} wei/base`,
        longRate: `${-sumLong / BigInt(PERIODS)} wei/base`,
        ammPaidTotal: `${sumPaid} wei`,
        periodsToOverflow: periodsToOverflow.toString(),
      });
    });

    it(`closing the dust long pays it what the AMM paid (${PERIODS} wei), not more`, async function () {
      const fx = await loadFixture(dustAlone);
      const attacker = fx.traders[0];
      const m = fx.addresses.market;
      const budget0 = (await fx.market.marketState()).budget;
      let sumLong = 0n;
      for (let i = 0; i < PERIODS; i++) sumLong += (await settleWithOracleOverMark(fx)).fLong;
      const paidByAmm = budget0 - (await fx.market.marketState()).budget;
      // The long index fell by 24 quote per base; on 1 wei of base that is 24 wei received.
      const pending = await fx.clearingHouse.pendingFunding(m, attacker.address);
      expect(pending).to.equal(sumLong / WAD);
      expect(-pending).to.equal(paidByAmm);

      const free0 = await fx.clearingHouse.freeCollateral(attacker.address);
      const pos0 = await fx.clearingHouse.positionOf(m, attacker.address);
      const rc = await (await fx.clearingHouse.connect(attacker).closePosition(m, 0n, 0n, NO_DEADLINE)).wait();
      expect(findEvent(fx.clearingHouse, [rc!], "FundingPaid")?.args.amount).to.equal(pending);
      const returned = (await fx.clearingHouse.freeCollateral(attacker.address)) - free0;
      // Margin + 24 wei of funding ± a dust trade's PnL and fee: never more than the AMM paid.
      expect(returned <= pos0.margin + paidByAmm, `returned ${returned} > margin ${pos0.margin} + ${paidByAmm}`).to.equal(true);
      // Net of the dust trade's fee and rounding, the attack loses money.
      expect(returned < pos0.margin, `the dust long closed with ${returned - pos0.margin} over its margin`).to.equal(true);
      // The market keeps settling.
      await time.increase(3_600);
      await (await fx.aggregator.setAnswer(answerOf(await fx.market.markPrice()))).wait();
      await expect(fx.market.settleFunding()).to.emit(fx.market, "FundingSettled");
      show("dust close", { fundingReceived: `${-pending} wei`, ammPaid: `${paidByAmm} wei`, overMargin: `${returned - pos0.margin} wei` });
    });
  });

  describe("a 1-wei long against a 500,000-quote short: the receivers are the small side", function () {
    it("the AMM receives, nothing is scaled: the longs get exactly the shorts' rate", async function () {
      const fx = await loadFixture(dustAgainstLargeShort);
      const [longOI, shortOI] = await fx.market.openInterest();
      expect(longOI).to.equal(1n);
      expect(shortOI > 1000n * WAD).to.equal(true);
      const p = await settleWithOracleOverMark(fx);
      expect(p.f < 0n).to.equal(true);
      expect(p.ammPaid).to.equal(0n);
      expect(p.ammReceived).to.equal((-p.f * (shortOI - longOI)) / WAD);
      expect(p.fLong).to.equal(p.f);
      expect(p.fShort).to.equal(p.f);
      show("dust vs large", { f: `${p.f} wei/base`, ammReceived: p.ammReceived });
    });
  });

  describe("any dust book (long ≈ 1–50 wei, short ≈ 2–50 wei of base), any premium within ±25 %", function () {
    it("property: settleFunding never reverts; receivers get ≤ |f| + WAD/R per base and ≤ paid + ammPaid in all", async function () {
      let scaled = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 200, max: 5_000 }),
          fc.integer({ min: 1, max: 5_000 }),
          fc.array(fc.integer({ min: 7_500, max: 12_500 }), { minLength: 1, maxLength: 3 }),
          async (qLong, qShort, oracleBps) => {
            const fx = await loadFixture(bare);
            const m = fx.addresses.market;
            await (await fx.clearingHouse.connect(fx.traders[0]).openPosition(m, true, BigInt(qLong), WAD, 0n, NO_DEADLINE)).wait();
            await (await fx.clearingHouse.connect(fx.traders[1]).openPosition(m, false, BigInt(qShort), WAD, 0n, NO_DEADLINE)).wait();
            const [L, S] = await fx.market.openInterest();
            for (const bps of oracleBps) {
              const p = await settleWithOracleAt(fx, BigInt(bps));
              const absF = p.f < 0n ? -p.f : p.f;
              if (p.ammPaid === 0n) {
                expect(p.fLong).to.equal(p.f);
                expect(p.fShort).to.equal(p.f);
                continue;
              }
              scaled++;
              // The AMM pays only the net side: the receivers are the larger side.
              const [R, P, rate, payersRate] = p.f > 0n ? [S, L, p.fShort, p.fLong] : [L, S, -p.fLong, -p.fShort];
              expect(R > P, `AMM paid with receivers ${R} ≤ payers ${P}`).to.equal(true);
              expect(payersRate).to.equal(absF);
              expect(p.ammPaid <= ceilDiv(absF * (R - P), WAD)).to.equal(true);
              expect(rate <= absF + WAD / R, `rate ${rate} > |f| ${absF} + WAD/${R}`).to.equal(true);
              expect((rate * R) / WAD <= (absF * P) / WAD + p.ammPaid).to.equal(true);
            }
          },
        ),
        { numRuns: 20 },
      );
      expect(scaled > 0, "no run reached the scaled (AMM-pays) branch").to.equal(true);
    });
  });
});
