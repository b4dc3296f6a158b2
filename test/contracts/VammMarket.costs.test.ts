import { expect } from "chai";
import { ethers, network } from "hardhat";
import fc from "fast-check";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import { dammFixture, NO_DEADLINE, WAD, WIDE_HOOK_LIMITS, type DammFixture } from "../helpers/deployFixture";
import {
  BPS,
  abs,
  answer8,
  ceilDiv,
  curveOf,
  kCostClosedForm,
  kCostDirect,
  markOf,
  repegCostClosedForm,
  repegCostDirect,
  scaleK,
  type CurveState,
} from "../helpers/specMath";

// SPEC §4 / DESIGN §4: the cost of a repeg or a k change, checked three ways —
// (1) the closed form, (2) direct valuation of L = (y − y_t)·P before and after, both computed here
// from the reserves, and (3) on-chain: after the hook, closing every position pays the traders, in
// aggregate, exactly what the budget paid (vs. a counterfactual run of the same closes without it).

// Repeg steps of 0.5 %: the wide hook limits (feeBps 51 so that maxPegChangeBps 100 fits the sandwich bound, SPEC §6).
const fixture = dammFixture({ traderCount: 6, params: WIDE_HOOK_LIMITS });

/** Rounding allowance between the closed form and the rounded direct valuation (wei of quote). */
function closedFormTolerance(c: CurveState, peg2: bigint): bigint {
  const ratio = c.y / c.x + 2n;
  return (10n + 2n * ratio) * ceilDiv(c.peg + peg2, WAD) + 10n;
}

type Flow = ReadonlyArray<readonly [trader: number, isLong: boolean, quote: bigint]>;

async function openAll(fx: DammFixture, flow: Flow): Promise<void> {
  for (const [i, isLong, q] of flow) {
    await (await fx.clearingHouse.connect(fx.traders[i]).openPosition(fx.addresses.market, isLong, q, q / 4n, 0n, NO_DEADLINE)).wait();
  }
}

/** Closes every open position in trader order; returns the sum of realised PnL (PositionChanged). */
async function closeAllPnl(fx: DammFixture): Promise<bigint> {
  const { clearingHouse: ch, addresses } = fx;
  let total = 0n;
  for (const t of fx.traders) {
    if ((await ch.positionOf(addresses.market, t.address)).size === 0n) continue;
    const rc = await (await ch.connect(t).closePosition(addresses.market, 0n, 0n, NO_DEADLINE)).wait();
    for (const log of rc!.logs) {
      const ev = ch.interface.parseLog(log);
      if (ev?.name === "PositionChanged") total += ev.args.realisedPnl as bigint;
    }
  }
  const st = await fx.market.marketState();
  expect([st.longOI, st.shortOI]).to.deep.equal([0n, 0n]);
  return total;
}

async function setOracle(fx: DammFixture, priceWad: bigint): Promise<void> {
  await (await fx.aggregator.setAnswer(answer8(priceWad))).wait();
}

type Hook = { readonly kind: "repeg"; readonly newPeg: (c: CurveState) => bigint } | { readonly kind: "k"; readonly newSqrtK: (c: CurveState) => bigint };

interface Case {
  readonly name: string;
  readonly flow: Flow;
  readonly hook: Hook;
  /** Expected sign of the cost (> 0 the protocol pays). */
  readonly sign: 1n | -1n;
}

const LONGS: Flow = [
  [0, true, 30_000n * WAD],
  [1, false, 10_000n * WAD],
  [2, true, 25_000n * WAD],
  [3, true, 15_000n * WAD],
  [4, false, 5_000n * WAD],
];
const SHORTS: Flow = [
  [0, false, 30_000n * WAD],
  [1, true, 10_000n * WAD],
  [2, false, 25_000n * WAD],
  [3, false, 15_000n * WAD],
  [4, true, 5_000n * WAD],
];
const pegUp: Hook = { kind: "repeg", newPeg: (c) => c.peg + c.peg / 200n };
const pegDown: Hook = { kind: "repeg", newPeg: (c) => c.peg - c.peg / 200n };
const kUp: Hook = { kind: "k", newSqrtK: (c) => (c.sqrtK * 10_100n) / BPS };
const kDown: Hook = { kind: "k", newSqrtK: (c) => (c.sqrtK * 9_780n) / BPS };

const CASES: readonly Case[] = [
  { name: "net long, repeg up (protocol pays)", flow: LONGS, hook: pegUp, sign: 1n },
  { name: "net long, repeg down (protocol earns)", flow: LONGS, hook: pegDown, sign: -1n },
  { name: "net short, repeg up (protocol earns)", flow: SHORTS, hook: pegUp, sign: -1n },
  { name: "net short, repeg down (protocol pays)", flow: SHORTS, hook: pegDown, sign: 1n },
  { name: "net long, k up (protocol pays)", flow: LONGS, hook: kUp, sign: 1n },
  { name: "net long, k down (protocol earns)", flow: LONGS, hook: kDown, sign: -1n },
  { name: "net short, k up (protocol pays)", flow: SHORTS, hook: kUp, sign: 1n },
  { name: "net short, k down (protocol earns)", flow: SHORTS, hook: kDown, sign: -1n },
];

/** Executes the hook (oracle placed so a repeg is toward it and not past it); returns the evented cost. */
async function runHook(fx: DammFixture, hook: Hook, c: CurveState): Promise<bigint> {
  const { market, keeper } = fx;
  let rc;
  if (hook.kind === "repeg") {
    const newPeg = hook.newPeg(c);
    const newMark = markOf(c.x, c.y, newPeg);
    await setOracle(fx, newMark > markOf(c.x, c.y, c.peg) ? newMark + WAD / 10n : newMark - WAD / 10n);
    rc = await (await market.connect(keeper).repeg(newPeg)).wait();
  } else {
    await setOracle(fx, markOf(c.x, c.y, c.peg));
    rc = await (await market.connect(keeper).updateK(hook.newSqrtK(c))).wait();
  }
  for (const log of rc!.logs) {
    const ev = market.interface.parseLog(log);
    if (ev?.name === "PegUpdated" || ev?.name === "KUpdated") return ev.args.cost as bigint;
  }
  throw new Error("no hook event");
}

async function previewHook(fx: DammFixture, hook: Hook, c: CurveState): Promise<bigint> {
  if (hook.kind === "repeg") {
    const newPeg = hook.newPeg(c);
    const newMark = markOf(c.x, c.y, newPeg);
    await setOracle(fx, newMark > markOf(c.x, c.y, c.peg) ? newMark + WAD / 10n : newMark - WAD / 10n);
    return (await fx.market.previewRepeg(newPeg))[0];
  }
  await setOracle(fx, markOf(c.x, c.y, c.peg));
  return (await fx.market.previewUpdateK(hook.newSqrtK(c)))[0];
}

const costs = (c: CurveState, hook: Hook): { closed: bigint; direct: bigint; peg2: bigint } =>
  hook.kind === "repeg"
    ? { closed: repegCostClosedForm(c, hook.newPeg(c)), direct: repegCostDirect(c, hook.newPeg(c)), peg2: hook.newPeg(c) }
    : { closed: kCostClosedForm(c, hook.newSqrtK(c)), direct: kCostDirect(c, hook.newSqrtK(c)), peg2: c.peg };

describe("VammMarket hook costs (SPEC §4)", function () {
  for (const tc of CASES) {
    describe(tc.name, function () {
      it("closed form = direct valuation = on-chain cost = the traders' aggregate gain", async function () {
        const fx = await loadFixture(fixture);
        await openAll(fx, tc.flow);
        const st = await fx.market.marketState();
        const c = curveOf(st);
        expect(tc.flow === LONGS ? c.d > 0n : c.d < 0n).to.equal(true);

        // (1) closed form vs (2) direct valuation, both from the reserves.
        const { closed, direct, peg2 } = costs(c, tc.hook);
        expect(direct * tc.sign > 0n, `sign of ${direct}`).to.equal(true);
        expect(abs(closed - direct) <= closedFormTolerance(c, peg2), `closed ${closed} direct ${direct}`).to.equal(true);

        // Counterfactual: the same closes without the hook.
        const snap = await network.provider.send("evm_snapshot", []);
        await setOracle(fx, markOf(c.x, c.y, c.peg));
        await mine(1);
        const pnlWithout = await closeAllPnl(fx);
        await network.provider.send("evm_revert", [snap]);

        // (3) on-chain: preview, hook, then the same closes.
        expect(await previewHook(fx, tc.hook, c)).to.equal(direct);
        const budgetBefore = (await fx.market.marketState()).budget;
        const cost = await runHook(fx, tc.hook, c);
        expect(cost).to.equal(direct);
        const after = await fx.market.marketState();
        expect(after.budget).to.equal(budgetBefore - cost);
        expect(after.reservedShare).to.equal(st.reservedShare);
        if (tc.hook.kind === "k") {
          const s = scaleK(c, tc.hook.newSqrtK(c));
          expect([after.baseReserve, after.quoteReserve]).to.deep.equal([s.x, s.y]);
        }
        const pnlWith = await closeAllPnl(fx);
        const gain = pnlWith - pnlWithout;
        if (process.env.COSTS_VERBOSE) console.log(`      cost ${cost} gain ${gain} closed ${closed}`);
        // Each close rounds its reserve (1 wei of y ≈ P wei of quote) and its quote / cost basis.
        const tol = BigInt(tc.flow.length) * 4n * ceilDiv(st.peg * 2n, WAD) + 10n;
        expect(abs(gain - cost) <= tol, `gain ${gain} vs cost ${cost} (tol ${tol})`).to.equal(true);
      });
    });
  }

  describe("property: closed form vs direct valuation (pure, random states)", function () {
    const state = fc
      .record({
        sqrtK: fc.bigInt({ min: 10n ** 3n * WAD, max: 10n ** 9n * WAD }),
        ratioPpm: fc.bigInt({ min: 500_000n, max: 2_000_000n }),
        peg: fc.bigInt({ min: WAD, max: 100_000n * WAD }),
        dPpm: fc.bigInt({ min: -500_000n, max: 500_000n }),
      })
      .map(({ sqrtK, ratioPpm, peg, dPpm }): CurveState => {
        const y = (sqrtK * ratioPpm) / 1_000_000n;
        const x = ceilDiv(sqrtK * sqrtK, y);
        return { x, y, sqrtK, peg, d: (x * dPpm) / 1_000_000n };
      });

    it("repeg: (y − y_t)·(P' − P) matches L(after) − L(before)", function () {
      fc.assert(
        fc.property(state, fc.integer({ min: -100, max: 100 }), (c, bps) => {
          const newPeg = (c.peg * BigInt(10_000 + bps)) / BPS;
          const closed = repegCostClosedForm(c, newPeg);
          const direct = repegCostDirect(c, newPeg);
          return abs(closed - direct) <= closedFormTolerance(c, newPeg);
        }),
        { numRuns: 2000 },
      );
    });

    it("k: P·y·d·(p/(p·x + d) − 1/(x + d)) matches L(after) − L(before); k up costs, k down earns", function () {
      fc.assert(
        fc.property(state, fc.integer({ min: -220, max: 100 }), (c, bps) => {
          const newSqrtK = (c.sqrtK * BigInt(10_000 + bps)) / BPS;
          const closed = kCostClosedForm(c, newSqrtK);
          const direct = kCostDirect(c, newSqrtK);
          const tol = closedFormTolerance(c, c.peg);
          const signOk = c.d === 0n || abs(direct) <= tol || (bps > 0 ? direct > 0n : bps < 0 ? direct < 0n : true);
          return abs(closed - direct) <= tol && signOk;
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe("property: on-chain preview = direct valuation ≈ closed form (random trader flow)", function () {
    it("holds for random flows and random repeg / k targets", async function () {
      const fx = await loadFixture(fixture);
      const base = await network.provider.send("evm_snapshot", []);
      let snap = base;
      const flowArb = fc.array(
        fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.bigInt({ min: 100n, max: 40_000n }).map((q) => q * WAD)),
        { minLength: 1, maxLength: 4 },
      );
      const hookArb = fc.oneof(
        fc.integer({ min: -100, max: 100 }).filter((b) => b !== 0).map((b): Hook => ({ kind: "repeg", newPeg: (c) => (c.peg * BigInt(10_000 + b)) / BPS })),
        fc.integer({ min: -220, max: 100 }).map((b): Hook => ({ kind: "k", newSqrtK: (c) => (c.sqrtK * BigInt(10_000 + b)) / BPS })),
      );
      await fc.assert(
        fc.asyncProperty(flowArb, hookArb, async (flow, hook) => {
          await network.provider.send("evm_revert", [snap]);
          snap = await network.provider.send("evm_snapshot", []);
          await openAll(fx, flow);
          const c = curveOf(await fx.market.marketState());
          const { closed, direct, peg2 } = costs(c, hook);
          const preview = await previewHook(fx, hook, c);
          expect(preview).to.equal(direct);
          expect(abs(closed - direct) <= closedFormTolerance(c, peg2)).to.equal(true);
        }),
        { numRuns: 40 },
      );
      await network.provider.send("evm_revert", [snap]);
    });
  });
});
