/**
 * The simulator's adapter to the one planner (keeper/core/hookPlanner.ts): the planner's input
 * read from a float64 market, and the planned call's WAD argument back to a float. These are the
 * simulator's only WAD ↔ float conversions on the decision path. The keeper's twin is
 * keeper/service/planInput.ts; test/keeper/core/plannerParity.test.ts holds the two together.
 */
import type { PlanInput } from "../core/hookPlanner";
import { rolledKDecrease, rolledMove, spendRoom, type HookLedger } from "./guards";
import type { MarketParams } from "./params";


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
  /** The repeg's reference mark at time t (the mark TWAP folded to t). */
  referenceMark(t: number): number;
}

/** The float ↔ WAD conversions are keeper/core/math/wad/units.ts's (re-exported under the simulator's names). */
export { floatToWad, wadToNumber as wadToFloat } from "../core/math/wad/units";
import { floatToWad } from "../core/math/wad/units";

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
    referenceMark: floatToWad(m.referenceMark(now)),
  };
}
