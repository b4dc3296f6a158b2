/**
 * The hook guard rails of SPEC §6 as pure checks returning a Refusal (or null), shared by the exact
 * core (which throws it) and the fast path (which reports it). Check order = the contract's:
 * oracle valid & fresh, divergence from the stored oracle TWAP, direction / bounds, cost ≤ budget,
 * cooldown, daily cap.
 */
import type { Refusal } from "./errors";
import type { MarketParams } from "./params";
import { markPrice } from "./curve";

/** Budget-side state the hooks read and write. */
export interface HookLedger {
  budget: number;
  lastHookBlock: number;
  /** Day index of the current window; −1 before the first hook (the first hook opens a window). */
  windowIndex: number;
  prevSpent: number;
  curSpent: number;
  budgetAtWindowStart: number;
}

export function newHookLedger(budget: number): HookLedger {
  return { budget, lastHookBlock: -Infinity, windowIndex: -1, prevSpent: 0, curSpent: 0, budgetAtWindowStart: budget };
}

/** The window state a hook at `now` sees (not committed until the hook succeeds). */
export function rolledWindow(h: HookLedger, now: number): { windowIndex: number; prevSpent: number; curSpent: number; budgetAtWindowStart: number } {
  const idx = Math.floor(now / 86400);
  if (idx === h.windowIndex) return { windowIndex: idx, prevSpent: h.prevSpent, curSpent: h.curSpent, budgetAtWindowStart: h.budgetAtWindowStart };
  return { windowIndex: idx, prevSpent: idx === h.windowIndex + 1 ? h.curSpent : 0, curSpent: 0, budgetAtWindowStart: h.budget };
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

/** Repeg direction and size: toward the oracle, never past it, |ΔP|/P ≤ maxPegChangeBps. */
export function checkRepegShape(x: number, y: number, peg: number, newPeg: number, oracle: number, p: MarketParams): Refusal | null {
  const mark = markPrice(x, y, peg);
  const newMark = markPrice(x, y, newPeg);
  const towardUp = oracle > mark && newMark > mark;
  const towardDown = oracle < mark && newMark < mark;
  if (!towardUp && !towardDown) return { name: "Vamm_NotTowardOracle", args: [mark, newMark, oracle] };
  // A repeg to the oracle exactly (the keeper's fraction 1) lands the integer mark at or a wei below
  // the oracle; float64 may land 1e-16 past it. Allow 1e-12 relative so the boundary sits where the
  // contract's does (parity with the chain), far below any economic effect.
  const slack = oracle * 1e-12;
  if ((towardUp && newMark > oracle + slack) || (towardDown && newMark < oracle - slack)) return { name: "Vamm_PastOracle", args: [newMark, oracle] };
  const changeBps = (Math.abs(newPeg - peg) * 1e4) / peg;
  // Same 1e-12 relative slack: the keeper clips a step to the bound exactly (integer), which float64 may read a hair above.
  if (changeBps > p.maxPegChangeBps * (1 + 1e-12)) return { name: "Vamm_PegChangeTooLarge", args: [changeBps, p.maxPegChangeBps] };
  return null;
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

/** Commits a successful hook: window roll, budget change, spend record, cooldown stamp. */
export function commitSpend(h: HookLedger, cost: number, now: number, block: number): void {
  const w = rolledWindow(h, now);
  h.windowIndex = w.windowIndex;
  h.prevSpent = w.prevSpent;
  h.curSpent = w.curSpent + (cost > 0 ? cost : 0);
  h.budgetAtWindowStart = w.budgetAtWindowStart;
  h.budget -= cost;
  h.lastHookBlock = block;
}
