/**
 * The hook guard rails of SPEC §6 as pure checks returning a Refusal (or null), shared by the exact
 * core (which throws it) and the fast path (which reports it); one for one with the contracts'
 * `HookGuards` library. Check order = the contract's (`HookPath`): oracle valid & fresh, divergence
 * from the oracle TWAP folded through now with the previous answer, direction / bounds, cost ≤
 * budget, cooldown, daily cost cap, k-decrease cap (updateK), move cap (the sandwich bound).
 */
import type { Refusal } from "./errors";
import type { MarketParams } from "./params";
import { DAY_SECONDS, rolledWindow as rolled, windowIndexAt } from "../core/math/HookGuards";
import { markPrice } from "../core/math/float/CurveMath";

/** Budget-side state the hooks (and the AMM's funding payments) read and write. */
export interface HookLedger {
  budget: number;
  lastHookBlock: number;
  /** Day index of the current spend window; −1 before the first spend (the first one opens a window). */
  windowIndex: number;
  prevSpent: number;
  curSpent: number;
  budgetAtWindowStart: number;
  /** k decreases (bps, each call ceil) in the previous / current day window (same index as the spends). */
  prevKDecreaseBps: number;
  curKDecreaseBps: number;
  /** `now / hookWindowSeconds` of the last hook; −1 before the first. */
  moveWindowIndex: number;
  /** Hook-induced mark moves (bps, ceil) in the previous / current hook window. */
  prevMoveBps: number;
  curMoveBps: number;
}

export function newHookLedger(budget: number): HookLedger {
  return {
    budget,
    lastHookBlock: -Infinity,
    windowIndex: -1,
    prevSpent: 0,
    curSpent: 0,
    budgetAtWindowStart: budget,
    prevKDecreaseBps: 0,
    curKDecreaseBps: 0,
    moveWindowIndex: -1,
    prevMoveBps: 0,
    curMoveBps: 0,
  };
}

/**
 * Integer bps rounded up, as the contract's `mulDiv(…, Ceil)`. float64 carries ~1e-12 bps of error
 * on an exact integer; the 1e-7 allowance keeps such a value on the integer (the parity generator
 * steers clear of integer boundaries, where the two sides could round apart).
 */
export function ceilBps(v: number): number {
  return v <= 0 ? 0 : Math.ceil(v - 1e-7);
}

/** The spend window a hook at `now` sees (not committed until the hook succeeds); a new window takes the budget as its base. */
export function rolledWindow(h: HookLedger, now: number): { windowIndex: number; prevSpent: number; curSpent: number; budgetAtWindowStart: number } {
  const w = rolled(h.windowIndex, h.prevSpent, h.curSpent, windowIndexAt(now, DAY_SECONDS), 0);
  return { windowIndex: w.index, prevSpent: w.prev, curSpent: w.cur, budgetAtWindowStart: w.rolled ? h.budget : h.budgetAtWindowStart };
}

/** Oracle answer validity (OracleAdapter): positive, complete round, not older than maxAge. */
export function checkOracle(price: number, updatedAt: number, incomplete: boolean, now: number, maxAge: number): Refusal | null {
  if (!(price > 0)) return { name: "Oracle_NonPositiveAnswer", args: [price] };
  // (roundId, answeredInRound): the simulator has no round ids; a lagging round is (1, 0).
  if (incomplete) return { name: "Oracle_IncompleteRound", args: [1, 0] };
  if (now - updatedAt > maxAge) return { name: "Oracle_StaleAnswer", args: [updatedAt, maxAge] };
  return null;
}

export function checkDivergence(oracle: number, oracleTwap: number, p: MarketParams): Refusal | null {
  const divBps = (Math.abs(oracle - oracleTwap) * 1e4) / oracleTwap;
  return divBps > p.maxOracleTwapDivergenceBps ? { name: "Vamm_OracleTwapDivergence", args: [divBps, p.maxOracleTwapDivergenceBps] } : null;
}

/**
 * Repeg direction and size (SPEC §6): toward the oracle and never past it, judged on the spot mark
 * or, when the two sit across the oracle from each other, on the reference mark (the mark TWAP
 * folded to now, which moves with the peg), and |ΔP|/P ≤ maxPegChangeBps. The reference keeps a
 * repeg possible that a push held for a block hides from the spot mark (the policy steerer); it is
 * slow, so a push cannot move it cheaply. A repeg neither reading allows is refused with the spot
 * figures.
 */
export function checkRepegShape(x: number, y: number, peg: number, newPeg: number, oracle: number, referenceMark: number, p: MarketParams): Refusal | null {
  const mark = markPrice(x, y, peg);
  const newMark = markPrice(x, y, newPeg);
  const spot = spotDirectionRefusal(mark, newMark, oracle);
  if (spot !== null && !towardOnReference(mark, peg, newPeg, oracle, referenceMark)) return spot;
  const changeBps = (Math.abs(newPeg - peg) * 1e4) / peg;
  // Same 1e-12 relative slack: the keeper clips a step to the bound exactly (integer), which float64 may read a hair above.
  if (changeBps > p.maxPegChangeBps * (1 + 1e-12)) return { name: "Vamm_PegChangeTooLarge", args: [changeBps, p.maxPegChangeBps] };
  return null;
}

/** Toward the oracle and not past it, on the spot mark. */
function spotDirectionRefusal(mark: number, newMark: number, oracle: number): Refusal | null {
  const towardUp = oracle > mark && newMark > mark;
  const towardDown = oracle < mark && newMark < mark;
  if (!towardUp && !towardDown) return { name: "Vamm_NotTowardOracle", args: [mark, newMark, oracle] };
  // A repeg to the oracle exactly (the keeper's fraction 1) lands the integer mark at or a wei below
  // the oracle; float64 may land 1e-16 past it. Allow 1e-12 relative so the boundary sits where the
  // contract's does (parity with the chain), far below any economic effect.
  const slack = oracle * 1e-12;
  if ((towardUp && newMark > oracle + slack) || (towardDown && newMark < oracle - slack)) return { name: "Vamm_PastOracle", args: [newMark, oracle] };
  return null;
}

/**
 * HookGuards._towardOnReference: read only when the reference sits across the oracle from the spot
 * mark (or the mark is on it); ref' = ref·P'/P toward the oracle, not past it. No slack: the keeper
 * plans reference repegs 10 % short of the oracle, never on the boundary.
 */
function towardOnReference(mark: number, peg: number, newPeg: number, oracle: number, ref: number): boolean {
  const across = mark === oracle || mark > oracle !== ref > oracle;
  if (!across || ref === oracle) return false;
  const newRef = (ref * newPeg) / peg;
  if (oracle > ref && newPeg > peg) return newRef <= oracle;
  if (oracle < ref && newPeg < peg) return newRef >= oracle;
  return false;
}

/** k bounds: sqrtK' in [sqrtK·(1−dec), sqrtK·(1+inc)] and sqrtK' ≥ |d|. */
export function checkKShape(sqrtK: number, newSqrtK: number, d: number, p: MarketParams): Refusal | null {
  const lo = (sqrtK * (1e4 - p.maxKDecreaseBps)) / 1e4;
  const hi = (sqrtK * (1e4 + p.maxKIncreaseBps)) / 1e4;
  // 1e-12 relative slack: a k step clipped to a bound exactly (integer) must pass here as on-chain.
  const slack = sqrtK * 1e-12;
  if (!(newSqrtK >= lo - slack && newSqrtK <= hi + slack)) return { name: "Vamm_KChangeOutOfBounds", args: [sqrtK, newSqrtK] };
  if (newSqrtK < Math.abs(d)) return { name: "Vamm_SqrtKBelowNetPosition", args: [newSqrtK, Math.abs(d)] };
  return null;
}

/** k-decrease window (shares the spend window's day index). */
export function rolledKDecrease(h: HookLedger, now: number): { prev: number; cur: number } {
  return rolled(h.windowIndex, h.prevKDecreaseBps, h.curKDecreaseBps, windowIndexAt(now, DAY_SECONDS), 0);
}

/** Move window of `hookWindowSeconds`. */
export function rolledMove(h: HookLedger, now: number, p: MarketParams): { index: number; prev: number; cur: number } {
  return rolled(h.moveWindowIndex, h.prevMoveBps, h.curMoveBps, windowIndexAt(now, p.hookWindowSeconds), 0);
}

/** `ceil((sqrtK − sqrtK')·1e4/sqrtK)` for a decrease, 0 otherwise. */
export function kDecreaseBps(sqrtK: number, newSqrtK: number): number {
  return newSqrtK >= sqrtK ? 0 : ceilBps(((sqrtK - newSqrtK) * 1e4) / sqrtK);
}

/** A repeg's mark move `ceil(|P' − P|·1e4/P)`. */
export function pegMoveBps(peg: number, newPeg: number): number {
  return ceilBps((Math.abs(newPeg - peg) * 1e4) / peg);
}

/** A k increase's transfer to the net position, doubled: `ceil(2·|d|·(sqrtK' − sqrtK)·1e4/(x·sqrtK'))`; 0 for a decrease. */
export function kIncreaseMoveBps(x: number, sqrtK: number, newSqrtK: number, absD: number): number {
  if (newSqrtK <= sqrtK || absD === 0) return 0;
  return ceilBps((2 * absD * (newSqrtK - sqrtK) * 1e4) / (x * newSqrtK));
}

/** Rolling-24 h cap on k decreases: prev + cur + bps ≤ maxDailyKDecreaseBps. */
export function checkKDecreaseCap(h: HookLedger, now: number, bps: number, p: MarketParams): Refusal | null {
  if (bps === 0) return null;
  const w = rolledKDecrease(h, now);
  const used = w.prev + w.cur;
  return used + bps > p.maxDailyKDecreaseBps ? { name: "Vamm_KDecreaseCapExceeded", args: [used, bps, p.maxDailyKDecreaseBps] } : null;
}

/** Sandwich bound: prev + cur + moveBps ≤ maxPegChangeBps over the rolling hook window. */
export function checkMoveCap(h: HookLedger, now: number, moveBps: number, p: MarketParams): Refusal | null {
  if (moveBps === 0) return null;
  const w = rolledMove(h, now, p);
  const used = w.prev + w.cur;
  return used + moveBps > p.maxPegChangeBps ? { name: "Vamm_HookMoveCapExceeded", args: [used, moveBps, p.maxPegChangeBps] } : null;
}

/** What the rolling daily cost cap still allows the budget to spend at `now` (0 when spent). */
export function spendRoom(h: HookLedger, now: number, p: MarketParams): number {
  const w = rolledWindow(h, now);
  const cap = (w.budgetAtWindowStart * p.dailyCostCapBps) / 1e4;
  const spent = w.prevSpent + w.curSpent;
  return cap > spent ? cap - spent : 0;
}

/** Records the AMM's funding payment in the spend window (rolling it, and the k-decrease sums, first). */
export function recordFundingSpend(h: HookLedger, now: number, paid: number): void {
  if (!(paid > 0)) return;
  const w = rolledWindow(h, now);
  const k = rolledKDecrease(h, now);
  h.windowIndex = w.windowIndex;
  h.prevSpent = w.prevSpent;
  h.curSpent = w.curSpent + paid;
  h.budgetAtWindowStart = w.budgetAtWindowStart;
  h.prevKDecreaseBps = k.prev;
  h.curKDecreaseBps = k.cur;
}

/** Cost ≤ budget, cooldown, rolling daily cap (cost > 0 only; revenue never refills the cap). */
export function checkSpend(h: HookLedger, cost: number, now: number, block: number, p: MarketParams): Refusal | null {
  if (cost > h.budget) return { name: "Vamm_CostExceedsBudget", args: [cost, h.budget] };
  if (block < h.lastHookBlock + p.hookCooldownBlocks) return { name: "Vamm_HookCooldown", args: [h.lastHookBlock, block] };
  if (cost > 0) {
    const w = rolledWindow(h, now);
    const cap = (w.budgetAtWindowStart * p.dailyCostCapBps) / 1e4;
    if (w.prevSpent + w.curSpent + cost > cap) return { name: "Vamm_DailyCostCapExceeded", args: [w.prevSpent + w.curSpent, cost, cap] };
  }
  return null;
}

/**
 * Commits a successful hook: window rolls, budget change, spend record, k-decrease and move sums,
 * cooldown stamp (`kDecBps` / `moveBps` as checked: 0 when the hook has none).
 */
export function commitSpend(h: HookLedger, cost: number, now: number, block: number, kDecBps: number, moveBps: number, p: MarketParams): void {
  const w = rolledWindow(h, now);
  const k = rolledKDecrease(h, now);
  const m = rolledMove(h, now, p);
  h.windowIndex = w.windowIndex;
  h.prevSpent = w.prevSpent;
  h.curSpent = w.curSpent + (cost > 0 ? cost : 0);
  h.budgetAtWindowStart = w.budgetAtWindowStart;
  h.prevKDecreaseBps = k.prev;
  h.curKDecreaseBps = k.cur + kDecBps;
  h.moveWindowIndex = m.index;
  h.prevMoveBps = m.prev;
  h.curMoveBps = m.cur + moveBps;
  h.budget -= cost;
  h.lastHookBlock = block;
}

/**
 * `repegToward`'s fitted peg (HookPath.fitRepeg): the largest step from `peg` toward `targetPeg`
 * that stays on this side of the oracle and within the rolling move cap, the budget and the rolling
 * cost cap. `a = y − y_t` (the repeg cost per unit of ΔP); a step that earns is not cost-bound.
 * The cost-bound step is taken 1e-12 short: the contract's integer step (floor) costs at most the
 * room, the float one could cost an ulp more and be refused.
 */
export function fitRepegPeg(
  x: number,
  y: number,
  peg: number,
  targetPeg: number,
  oracle: number,
  a: number,
  h: HookLedger,
  now: number,
  p: MarketParams,
): number {
  const up = oracle > markPrice(x, y, peg);
  const oraclePeg = (oracle * x) / y;
  let step = up ? Math.max(0, Math.min(targetPeg - peg, oraclePeg - peg)) : Math.max(0, Math.min(peg - targetPeg, peg - oraclePeg));
  const m = rolledMove(h, now, p);
  const usedMove = m.prev + m.cur;
  const byMove = p.maxPegChangeBps > usedMove ? (peg * (p.maxPegChangeBps - usedMove)) / 1e4 : 0;
  if (byMove < step) step = byMove;
  if (a !== 0 && a > 0 === up) {
    const room = Math.min(spendRoom(h, now, p), h.budget);
    const byCost = (room / Math.abs(a)) * (1 - 1e-12);
    if (byCost < step) step = byCost;
  }
  return up ? peg + step : peg - step;
}

/** Volatility breaker (SPEC §6): set while an observed answer is more than oracleBreakerBps from the oracle TWAP it folded. */
export function breakerTripped(price: number, twap: number, p: MarketParams): boolean {
  return Math.abs(price - twap) * 1e4 > p.oracleBreakerBps * twap;
}
