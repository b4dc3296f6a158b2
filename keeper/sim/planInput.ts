/**
 * The simulator's adapter to the one planner (keeper/core/hookPlanner.ts): the planner's input
 * read from a float64 market, and the planned call's WAD argument back to a float. These are the
 * simulator's only WAD ↔ float conversions on the decision path. The keeper's twin is
 * keeper/service/planInput.ts; test/keeper/core/plannerParity.test.ts holds the two together.
 */
import type { PlanInput } from "../core/hookPlanner";
import { rolledKDecrease, rolledMove, spendRoom, type HookLedger } from "./guards";
import type { MarketParams } from "./params";

const WAD = 10n ** 18n;

/** What the planner reads of a simulated market (FastMarket and MarketCore's shape). */
export interface PlannableMarket extends HookLedger {
  readonly x: number;
  readonly y: number;
  readonly peg: number;
  readonly sqrtK: number;
  readonly oracle: number;
  readonly longOI: number;
  readonly shortOI: number;
  readonly params: MarketParams;
}

/**
 * float64 (1.0 = one WAD) → WAD bigint, the nearest wei to the float's exact binary value (ties
 * away from zero). Exact: a float is m·2^−e with m an integer, found by doubling (exact in float64).
 */
export function floatToWad(v: number): bigint {
  if (!Number.isFinite(v)) throw new Error(`floatToWad: ${v} is not a finite number`);
  let m = Math.abs(v);
  let e = 0n;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  const den = 1n << e;
  const q = (BigInt(m) * WAD + den / 2n) / den;
  return v < 0 ? -q : q;
}

/** WAD bigint → float64 (1.0 = one WAD), the nearest double to whole + fraction. */
export function wadToFloat(w: bigint): number {
  const a = w < 0n ? -w : w;
  const f = Number(a / WAD) + Number(a % WAD) / 1e18;
  return w < 0n ? -f : f;
}

/**
 * The planner's input at simulated time `now`: the state a hook sent now would see, the windows
 * rolled as the guards roll them (spend, k-decrease and move windows).
 */
export function planInputFromMarket(m: PlannableMarket, now: number): PlanInput {
  const p = m.params;
  const move = rolledMove(m, now, p);
  const usedMove = move.prev + move.cur;
  const kDec = rolledKDecrease(m, now);
  const usedKDec = kDec.prev + kDec.cur;
  return {
    baseReserve: floatToWad(m.x),
    quoteReserve: floatToWad(m.y),
    peg: floatToWad(m.peg),
    sqrtK: floatToWad(m.sqrtK),
    oracle: floatToWad(m.oracle),
    longOI: floatToWad(m.longOI),
    shortOI: floatToWad(m.shortOI),
    budget: floatToWad(m.budget),
    limits: { maxPegChangeBps: p.maxPegChangeBps, maxKIncreaseBps: p.maxKIncreaseBps, maxKDecreaseBps: p.maxKDecreaseBps },
    dailyCapHeadroom: floatToWad(spendRoom(m, now, p)),
    moveCapRoom: { roomBps: Math.max(0, p.maxPegChangeBps - usedMove), usedBps: usedMove, capBps: p.maxPegChangeBps, windowSeconds: p.hookWindowSeconds },
    kDecreaseRoom: { roomBps: Math.max(0, p.maxDailyKDecreaseBps - usedKDec), usedBps: usedKDec, capBps: p.maxDailyKDecreaseBps },
  };
}
