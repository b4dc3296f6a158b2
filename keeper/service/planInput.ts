/**
 * The keeper's adapter to the one planner (keeper/core/hookPlanner.ts): the planner's input read
 * from a chain snapshot. The simulator's twin is keeper/sim/planInput.ts; a property test
 * (test/keeper/core/plannerParity.test.ts) holds the two to the same input and call.
 */
import { planHookCall, type Plan, type PlanInput, type PlanSettings } from "../core/hookPlanner";
import type { Action } from "../core/policyTypes";
import type { MarketSnapshot } from "./rpc/types";

/** The fields of one block's snapshot the planner reads (the rooms only when the market exposes them). */
export function planInputFromSnapshot(s: MarketSnapshot): PlanInput {
  return {
    baseReserve: s.baseReserve,
    quoteReserve: s.quoteReserve,
    peg: s.peg,
    sqrtK: s.sqrtK,
    oracle: s.oracle,
    longOI: s.longOI,
    shortOI: s.shortOI,
    budget: s.budget,
    limits: { maxPegChangeBps: s.limits.maxPegChangeBps, maxKIncreaseBps: s.limits.maxKIncreaseBps, maxKDecreaseBps: s.limits.maxKDecreaseBps },
    ...(s.dailyCapHeadroom !== undefined ? { dailyCapHeadroom: s.dailyCapHeadroom } : {}),
    ...(s.moveCapRoom !== undefined ? { moveCapRoom: { ...s.moveCapRoom } } : {}),
    ...(s.kDecreaseRoom !== undefined ? { kDecreaseRoom: { ...s.kDecreaseRoom } } : {}),
    ...(s.referenceMark !== undefined ? { referenceMark: s.referenceMark } : {}),
  };
}

/** The hook call the keeper sends for `action` at snapshot `s` (or why none). */
export function planFromSnapshot(action: Action, s: MarketSnapshot, settings: PlanSettings = {}): Plan {
  return planHookCall(action, planInputFromSnapshot(s), settings);
}
