/**
 * One planner, two adapters (issue 14): the simulator builds the planner's input from a float64
 * FastMarket (keeper/sim/planInput.ts), the keeper from a chain snapshot (keeper/service/planInput.ts,
 * the snapshot built by the gateway's own snapshotFromMarketState). From equivalent states — the
 * same market in the two number types — both must produce the identical input and the identical
 * hook call (same function, same argument to the wei) or the same named reason for none.
 *
 * Equivalent states: every float is drawn on a 2^-18 grid (n / 2^18, whose WAD is exactly n·5^18),
 * budgets as j·1e4/256 (so the float daily cap B·capBps/1e4 is exact too); the chain side gets the
 * same numbers as WAD bigints and the contract's mark floor(y·peg/x).
 */
import { expect } from "chai";
import fc from "fast-check";
import { planHookCall, type NoCallReason, type Plan, type PlanSettings } from "../../../keeper/core/hookPlanner";
import type { Action } from "../../../keeper/core/policyTypes";
import { snapshotFromMarketState, type ChainMarketState } from "../../../keeper/service/rpc/ethersMarketGateway";
import { planFromSnapshot, planInputFromSnapshot } from "../../../keeper/service/planInput";
import { FastMarket } from "../../../keeper/sim/fastMarket";
import { makeParams } from "../../../keeper/sim/params";
import { planInputFromMarket } from "../../../keeper/sim/planInput";

const GRID = 2 ** 18;
const WEI_PER_GRID = 5n ** 18n; // 1e18 / 2^18

/** A value on the 2^-18 grid in [min, max], as (float, exact WAD). */
const onGrid = (n: bigint) => ({ f: Number(n) / GRID, w: n * WEI_PER_GRID });
const gridOf = (v: number) => BigInt(Math.round(v * GRID));
/** A budget-like amount j·1e4/256 (exact float, exact WAD j·1e22/256). */
const budgetOf = (j: number) => ({ f: (j * 1e4) / 256, w: (BigInt(j) * 10n ** 22n) / 256n });

interface World {
  x: bigint;
  y: bigint;
  peg: bigint;
  gap: number;
  /** Where the mark TWAP (the repeg's reference) sits relative to the spot mark. */
  refGap: number;
  longShare: number;
  shortShare: number;
  budgetJ: number;
  t: number;
  dayBack: number;
  budgetAtStartJ: number;
  prevSpentShare: number;
  curSpentShare: number;
  prevKDec: number;
  curKDec: number;
  moveBack: number;
  prevMove: number;
  curMove: number;
  params: { maxPegChangeBps: number; maxKIncreaseBps: number; maxKDecreaseBps: number; dailyCostCapBps: number; maxDailyKDecreaseBps: number; hookWindowSeconds: number };
}

const world: fc.Arbitrary<World> = fc.record({
  x: fc.bigInt({ min: gridOf(100), max: gridOf(1e6) }),
  y: fc.bigInt({ min: gridOf(100), max: gridOf(1e6) }),
  peg: fc.bigInt({ min: gridOf(1), max: gridOf(1e5) }),
  gap: fc.double({ min: -0.05, max: 0.05, noNaN: true }),
  refGap: fc.double({ min: -0.08, max: 0.08, noNaN: true }),
  longShare: fc.double({ min: 0, max: 0.25, noNaN: true }),
  shortShare: fc.double({ min: 0, max: 0.25, noNaN: true }),
  budgetJ: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 10_000_000 })),
  t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 10 * 86_400 }),
  dayBack: fc.integer({ min: 0, max: 2 }),
  budgetAtStartJ: fc.integer({ min: 0, max: 10_000_000 }),
  prevSpentShare: fc.double({ min: 0, max: 0.6, noNaN: true }),
  curSpentShare: fc.double({ min: 0, max: 0.6, noNaN: true }),
  prevKDec: fc.integer({ min: 0, max: 1_000 }),
  curKDec: fc.integer({ min: 0, max: 1_000 }),
  moveBack: fc.integer({ min: 0, max: 2 }),
  prevMove: fc.integer({ min: 0, max: 120 }),
  curMove: fc.integer({ min: 0, max: 120 }),
  params: fc.record({
    maxPegChangeBps: fc.integer({ min: 1, max: 198 }),
    maxKIncreaseBps: fc.integer({ min: 1, max: 1_000 }),
    maxKDecreaseBps: fc.integer({ min: 1, max: 1_000 }),
    dailyCostCapBps: fc.integer({ min: 0, max: 10_000 }),
    maxDailyKDecreaseBps: fc.integer({ min: 1, max: 2_000 }),
    hookWindowSeconds: fc.integer({ min: 60, max: 86_400 }),
  }),
});

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ kind: "hold" }),
  fc.double({ min: 1e-6, max: 1, noNaN: true }).map((fraction): Action => ({ kind: "repeg", fraction })),
  fc.constantFrom<Action>({ kind: "repeg", fraction: 0.25 }, { kind: "repeg", fraction: 0.5 }, { kind: "repeg", fraction: 1 }),
  fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.double({ min: 0.5, max: 2_000, noNaN: true })).map((stepBps): Action => ({ kind: "kUp", stepBps })),
  fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.double({ min: 0.5, max: 2_000, noNaN: true })).map((stepBps): Action => ({ kind: "kDown", stepBps })),
);

const settings: fc.Arbitrary<PlanSettings> = fc.record(
  { fitToBudget: fc.boolean(), minRepegBps: fc.double({ min: 0, max: 5, noNaN: true }), minFitFraction: fc.double({ min: 0, max: 0.5, noNaN: true }) },
  { requiredKeys: [] },
);

/** The same market as a float64 FastMarket (the simulator) and as the chain's marketState + oracle (the keeper). */
function build(wd: World): { sim: FastMarket; chain: ChainMarketState; oracle: { priceWad: bigint; updatedAt: bigint }; t: number } {
  const x = onGrid(wd.x);
  const y = onGrid(wd.y);
  const peg = onGrid(wd.peg);
  const sqrtK = onGrid(gridOf(Math.sqrt(x.f * y.f)));
  const markF = (y.f * peg.f) / x.f;
  const oracle = onGrid(gridOf(markF * (1 + wd.gap)) || 1n);
  // Folded at the snapshot's own time (dt = 0), so the reference is the stored TWAP in both number types.
  const markTwap = onGrid(gridOf(markF * (1 + wd.refGap)) || 1n);
  const longOI = onGrid(gridOf(x.f * wd.longShare));
  const shortOI = onGrid(gridOf(x.f * wd.shortShare));
  const budget = budgetOf(wd.budgetJ);
  const atStart = budgetOf(wd.budgetAtStartJ);
  const cap = (atStart.f * wd.params.dailyCostCapBps) / 1e4;
  const prevSpent = onGrid(gridOf(cap * wd.prevSpentShare));
  const curSpent = onGrid(gridOf(cap * wd.curSpentShare));
  const windowIndex = Math.floor(wd.t / 86_400) - wd.dayBack;
  const moveWindowIndex = Math.floor(wd.t / wd.params.hookWindowSeconds) - wd.moveBack;

  const params = makeParams({ feeBps: 100, ...wd.params });
  const sim = new FastMarket({ params, peg: peg.f, sqrtK: sqrtK.f, budget: budget.f, reservedShare: 0, time: wd.t - 600, blockTimeSec: 12, oraclePrice: oracle.f, capacity: 1 });
  Object.assign(sim, {
    x: x.f,
    y: y.f,
    oracle: oracle.f,
    markTwap: markTwap.f,
    markTwapTs: wd.t,
    longOI: longOI.f,
    shortOI: shortOI.f,
    windowIndex,
    prevSpent: prevSpent.f,
    curSpent: curSpent.f,
    budgetAtWindowStart: atStart.f,
    prevKDecreaseBps: wd.prevKDec,
    curKDecreaseBps: wd.curKDec,
    moveWindowIndex,
    prevMoveBps: wd.prevMove,
    curMoveBps: wd.curMove,
  });

  const chain: ChainMarketState = {
    baseReserve: x.w,
    quoteReserve: y.w,
    peg: peg.w,
    sqrtK: sqrtK.w,
    mark: (y.w * peg.w) / x.w, // CurveMathWad.markPrice
    markTwap: markTwap.w,
    markTwapTimestamp: BigInt(wd.t),
    oracleTwap: oracle.w,
    longOI: longOI.w,
    shortOI: shortOI.w,
    budget: budget.w,
    reservedShare: 0n,
    lastHookTimestamp: 0n,
    lastHookBlock: 0n,
    paused: false,
    globalPaused: false,
    windowIndex: BigInt(windowIndex),
    prevSpent: prevSpent.w,
    curSpent: curSpent.w,
    budgetAtWindowStart: atStart.w,
    moveWindowIndex: BigInt(moveWindowIndex),
    prevMoveBps: BigInt(wd.prevMove),
    curMoveBps: BigInt(wd.curMove),
    prevKDecreaseBps: BigInt(wd.prevKDec),
    curKDecreaseBps: BigInt(wd.curKDec),
    params: {
      maxPegChangeBps: BigInt(params.maxPegChangeBps),
      maxKIncreaseBps: BigInt(params.maxKIncreaseBps),
      maxKDecreaseBps: BigInt(params.maxKDecreaseBps),
      dailyCostCapBps: BigInt(params.dailyCostCapBps),
      maxDailyKDecreaseBps: BigInt(params.maxDailyKDecreaseBps),
      hookWindowSeconds: BigInt(params.hookWindowSeconds),
      maxOracleAgeHooks: BigInt(params.maxOracleAgeHooks),
      hookCooldownBlocks: BigInt(params.hookCooldownBlocks),
      twapWindow: BigInt(params.twapWindow),
    },
  };
  return { sim, chain, oracle: { priceWad: oracle.w, updatedAt: BigInt(wd.t) }, t: wd.t };
}

const outcome = (p: Plan): string =>
  "call" in p ? `${p.call.kind}${p.requested ? " (fitted)" : ""}${p.note?.includes("reference mark") ? " (reference)" : ""}` : p.reason;

describe("one planner through the simulator's and the keeper's adapters", () => {
  it("builds the identical input and plans the identical hook call, to the wei, from equivalent states (10,000 random states × actions)", function () {
    this.timeout(120_000);
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(world, action, settings, (wd, a, opts) => {
        const { sim, chain, oracle, t } = build(wd);
        const snap = snapshotFromMarketState(chain, oracle, { number: 1, timestamp: t, baseFeePerGas: null });
        const simInput = planInputFromMarket(sim, t);
        expect(simInput).to.deep.equal(planInputFromSnapshot(snap));
        const simPlan = planHookCall(a, simInput, opts);
        const keeperPlan = planFromSnapshot(a, snap, opts);
        expect(simPlan).to.deep.equal(keeperPlan);
        seen.set(outcome(simPlan), (seen.get(outcome(simPlan)) ?? 0) + 1);
      }),
      { numRuns: 10_000, seed: 14 },
    );
    // The states reach every kind of call and the caps' reasons (not a property over holds only).
    const count = (k: string): number => seen.get(k) ?? 0;
    expect(count("repeg") + count("repeg (fitted)"), JSON.stringify([...seen])).to.be.greaterThan(1_000);
    expect(count("updateK") + count("updateK (fitted)"), JSON.stringify([...seen])).to.be.greaterThan(1_000);
    const reasons: NoCallReason[] = ["hold", "below-min-step", "no-budget", "move-cap-exhausted", "k-decrease-cap", "k-bound"];
    for (const r of [...reasons, "repeg (fitted)", "updateK (fitted)", "repeg (reference)"]) expect(count(r), `${r} in ${JSON.stringify([...seen])}`).to.be.greaterThan(0);
  });
});
