import type { Action } from "../core/policyTypes";
import type { HookCall, MarketSnapshot } from "./chain/types";

const BPS = 10_000n;
/** Action fractions are floats; carry them as parts per million in bigint arithmetic. */
const PPM = 1_000_000n;

export type Plan = { readonly call: HookCall } | { readonly skip: string };

/**
 * Turns a policy action into the exact hook call, inside the guards the market enforces, so a
 * well-formed plan is only ever refused by state that changed (cooldown, budget, oracle):
 * - repeg: target mark = mark + fraction·(oracle − mark); new peg = target·x/y, rounded toward the
 *   current peg (so the new mark never passes the oracle), clipped to ±maxPegChangeBps of the peg.
 * - kUp / kDown: sqrtK·(1 ± stepBps), clipped to [sqrtK·(1 − maxKDecreaseBps), sqrtK·(1 + maxKIncreaseBps)]
 *   (rounded inward) and never below |longOI − shortOI|.
 */
export function planHookCall(action: Action, s: MarketSnapshot): Plan {
  switch (action.kind) {
    case "hold":
      return { skip: "hold" };
    case "repeg":
      return planRepeg(action.fraction ?? 1, s);
    case "kUp":
      return planK(+1, action.stepBps, s);
    case "kDown":
      return planK(-1, action.stepBps, s);
  }
}

function planRepeg(fraction: number, s: MarketSnapshot): Plan {
  if (!(fraction > 0 && fraction <= 1)) return { skip: `invalid repeg fraction ${fraction}` };
  if (s.quoteReserve === 0n || s.baseReserve === 0n) return { skip: "empty reserves" };
  const gap = s.oracle - s.mark;
  if (gap === 0n) return { skip: "mark already at the oracle" };
  const frac = BigInt(Math.round(fraction * 1e6));
  const target = s.mark + (gap * frac) / PPM; // bigint division truncates toward zero: toward the mark
  const exact = target * s.baseReserve;
  const up = gap > 0n;
  let newPeg = up ? exact / s.quoteReserve : ceilDiv(exact, s.quoteReserve);
  const maxMove = (s.peg * BigInt(s.limits.maxPegChangeBps)) / BPS;
  if (up && newPeg > s.peg + maxMove) newPeg = s.peg + maxMove;
  if (!up && newPeg < s.peg - maxMove) newPeg = s.peg - maxMove;
  if (newPeg === s.peg || (up ? newPeg < s.peg : newPeg > s.peg)) return { skip: "repeg too small to change the peg" };
  return { call: { kind: "repeg", target: newPeg } };
}

function planK(direction: 1 | -1, stepBps: number | undefined, s: MarketSnapshot): Plan {
  if (stepBps === undefined || !(stepBps > 0)) return { skip: `invalid k step ${stepBps}` };
  const step = BigInt(Math.round(stepBps));
  let target: bigint;
  if (direction > 0) {
    const cap = (s.sqrtK * (BPS + BigInt(s.limits.maxKIncreaseBps))) / BPS;
    target = (s.sqrtK * (BPS + step)) / BPS;
    if (target > cap) target = cap;
  } else {
    const floor = ceilDiv(s.sqrtK * (BPS - BigInt(Math.min(s.limits.maxKDecreaseBps, 10_000))), BPS);
    target = ceilDiv(s.sqrtK * (BPS - (step > BPS ? BPS : step)), BPS);
    if (target < floor) target = floor;
    const net = s.longOI > s.shortOI ? s.longOI - s.shortOI : s.shortOI - s.longOI;
    if (target < net) target = net;
  }
  if (direction < 0 && target > s.sqrtK) target = s.sqrtK; // |d| > sqrtK cannot happen on a healthy market
  if (target === s.sqrtK) return { skip: direction > 0 ? "k already at its upper bound" : "k cannot go lower (bound or net position)" };
  return { call: { kind: "updateK", target } };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a === 0n ? 0n : (a - 1n) / b + 1n;
}
