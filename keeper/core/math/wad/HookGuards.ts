/** contracts/libraries/HookGuards.sol's budget arithmetic in WAD (the window itself is ../HookGuards.ts). */
import type { Window } from "../HookGuards";
import { mulDivUp } from "./MulDivFast";
import { BPS, abs } from "./units";

/** `floor(budgetAtWindowStart · dailyCostCapBps / 1e4)`. */
export function dailyCap(budgetAtWindowStart: bigint, dailyCapBps: bigint): bigint {
  return (budgetAtWindowStart * dailyCapBps) / BPS;
}

/** What the rolling daily cap still allows (0 when spent). */
export function spendRoom(spend: Window<bigint>, budgetAtWindowStart: bigint, dailyCapBps: bigint): bigint {
  const cap = dailyCap(budgetAtWindowStart, dailyCapBps);
  const spent = spend.prev + spend.cur;
  return cap > spent ? cap - spent : 0n;
}

/** `ceil((sqrtK − sqrtK')·1e4/sqrtK)` for a decrease, 0 otherwise. */
export function kDecreaseBps(sqrtK: bigint, newSqrtK: bigint): bigint {
  if (newSqrtK >= sqrtK) return 0n;
  return mulDivUp(sqrtK - newSqrtK, BPS, sqrtK);
}

/** A repeg's mark move `ceil(|P' − P|·1e4/P)`. */
export function pegMoveBps(peg: bigint, newPeg: bigint): bigint {
  return mulDivUp(abs(newPeg - peg), BPS, peg);
}

/** A k increase's transfer to the net position, doubled: `ceil(2·|d|·(sqrtK' − sqrtK)·1e4/(x·sqrtK'))`; 0 for a decrease. */
export function kIncreaseMoveBps(x: bigint, sqrtK: bigint, newSqrtK: bigint, absD: bigint): bigint {
  if (newSqrtK <= sqrtK || absD === 0n) return 0n;
  return mulDivUp(2n * absD * (newSqrtK - sqrtK), BPS, x * newSqrtK);
}
