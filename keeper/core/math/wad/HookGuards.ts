/** contracts/libraries/HookGuards.sol's budget arithmetic in WAD (the window itself is ../HookGuards.ts). */
import type { Window } from "../HookGuards";
import { BPS } from "./units";

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
