/**
 * The one planner (issue 14): turns a policy action and the market's state into the exact hook call,
 * bigint WAD as on-chain, or a named reason for no call. Pure, in `core` because both callers sit
 * above it: the simulator (`sim/planInput.ts` builds the input from a FastMarket, the env applies the
 * call) and the keeper (`service/planInput.ts` builds it from a chain snapshot, the job sends it).
 * Math is the WAD module's (keeper/core/math/wad: the contracts' libraries to the wei): the mark
 * (CurveMathWad.markPrice), the repeg cost (CostMathWad.repegCost) and the move-cap measures
 * (HookGuards.pegMoveBps / kIncreaseMoveBps).
 */
import { repegCost as repegCostWad } from "./math/wad/CostMathWad";
import { markPrice } from "./math/wad/CurveMathWad";
import { kIncreaseMoveBps as kIncreaseMoveBpsWad, pegMoveBps } from "./math/wad/HookGuards";
import { BPS, abs, ceilDiv } from "./math/wad/units";
import type { Action } from "./policyTypes";

export { pegMoveBps };

/** Action fractions are floats; carry them as parts per million in bigint arithmetic. */
const PPM = 1_000_000n;

/** Market parameters the planner needs to stay inside the guards (all bps). */
export interface HookLimits {
  readonly maxPegChangeBps: number;
  readonly maxKIncreaseBps: number;
  readonly maxKDecreaseBps: number;
}

/** The on-chain call a decision turns into. */
export interface HookCall {
  readonly kind: "repeg" | "updateK";
  /** New peg (repeg) or new sqrtK (updateK), WAD. */
  readonly target: bigint;
}

/** Room of the issue-13 move cap (SPEC §6) as a hook at the planning time sees it. */
export interface MoveCapRoom {
  readonly roomBps: number;
  readonly usedBps: number;
  readonly capBps: number;
  readonly windowSeconds: number;
}

/** Room of the rolling k-decrease cap (SPEC §6). */
export interface KDecreaseRoom {
  readonly roomBps: number;
  readonly usedBps: number;
  readonly capBps: number;
}

/**
 * Everything the planner reads, WAD bigints as on-chain. The mark is not an input: it is the
 * contract's `CurveMathWad.markPrice`, floor(y·peg/x), computed here (markWad). The rooms are
 * optional: undefined means "not known" (no fit against that cap).
 */
export interface PlanInput {
  readonly baseReserve: bigint;
  readonly quoteReserve: bigint;
  readonly peg: bigint;
  readonly sqrtK: bigint;
  readonly oracle: bigint;
  readonly longOI: bigint;
  readonly shortOI: bigint;
  readonly budget: bigint;
  readonly limits: HookLimits;
  /** What the rolling daily cost cap still allows a hook to spend (WAD, window roll included). */
  readonly dailyCapHeadroom?: bigint;
  readonly moveCapRoom?: MoveCapRoom;
  readonly kDecreaseRoom?: KDecreaseRoom;
  /**
   * The repeg's reference mark as the hook will read it (the mark TWAP folded to the hook's time,
   * HookPath / SPEC §6), WAD. Undefined: plan on the spot mark only.
   */
  readonly referenceMark?: bigint;
}

/**
 * Why there is no call, by name (the `skip` text says the figures):
 * - hold: the action is hold.
 * - invalid-action: a repeg fraction outside (0, 1] or a k step that is not > 0.
 * - empty-reserves: a reserve is 0 (the curve cannot be valued).
 * - at-oracle: the mark already equals the oracle.
 * - below-min-step: the step would not change the peg, or a fitted/clipped step is under
 *   minRepegBps / minFitFraction.
 * - no-budget: no peg step fits min(budget, daily-cap headroom).
 * - move-cap-exhausted: the move cap's room allows no repeg / k increase now.
 * - k-decrease-cap: the rolling k-decrease cap has no room left.
 * - k-bound: sqrtK already at its per-call bound (or, for a decrease, at |longOI − shortOI|).
 */
export type NoCallReason = "hold" | "invalid-action" | "empty-reserves" | "at-oracle" | "below-min-step" | "no-budget" | "move-cap-exhausted" | "k-decrease-cap" | "k-bound";

/**
 * A call to send, or why there is none. `requested` / `note` are set only when a fit shrank the
 * step: the call the action asked for, and one line on why it was scaled.
 */
export type Plan =
  | { readonly call: HookCall; readonly requested?: HookCall; readonly note?: string }
  | { readonly skip: string; readonly reason: NoCallReason };

/** The keeper's planning settings (keeper config `fitToBudget`, `minRepegBps`, `minFitFraction`; MarketEnv's `planner`). */
export interface PlanSettings {
  /**
   * Default on: when a repeg would cost more than min(budget, daily-cap headroom), scale its peg
   * move (toward the current peg, so still toward the oracle and never past it) until the cost is
   * at most FIT_SHARE of that limit, instead of sending a call the preview would refuse.
   */
  readonly fitToBudget?: boolean;
  /**
   * A fitted repeg must move the peg at least this many bps (default DEFAULT_MIN_REPEG_BPS) and
   * close at least this fraction of the mark–oracle gap (default DEFAULT_MIN_FIT_FRACTION), or it
   * is skipped: near an exhausted cap each fit is ~100× smaller than the last, gas for a few wei.
   * Unfitted repegs are not affected.
   */
  readonly minRepegBps?: number;
  readonly minFitFraction?: number;
}

export const DEFAULT_MIN_REPEG_BPS = 1;
export const DEFAULT_MIN_FIT_FRACTION = 0.1;

/** Share of min(budget, cap headroom) a fitted repeg may spend (rounding and a moving window). */
export const FIT_SHARE_PCT = 99n;

/** The contract's mark (CurveMathWad.markPrice): floor(y·peg/x). */
export function markWad(s: Pick<PlanInput, "baseReserve" | "quoteReserve" | "peg">): bigint {
  return markPrice(s.baseReserve, s.quoteReserve, s.peg);
}

function noCall(reason: NoCallReason, skip: string): Plan {
  return { skip, reason };
}

/**
 * Turns a policy action into the exact hook call, inside the guards the market enforces, so a
 * well-formed plan is only ever refused by state that changed (cooldown, budget, oracle):
 * - repeg: target mark = mark + fraction·(oracle − mark); new peg = target·x/y, rounded toward the
 *   current peg (so the new mark never passes the oracle), clipped to ±maxPegChangeBps of the peg.
 * - kUp / kDown: sqrtK·(1 ± stepBps), clipped to [sqrtK·(1 − maxKDecreaseBps), sqrtK·(1 + maxKIncreaseBps)]
 *   (rounded inward) and never below |longOI − shortOI|.
 * - fitToBudget (repeg): the cost is computed exactly as the market does (SPEC §4,
 *   (y − y_t)·(P' − P), rounded up) and the move scaled down when it does not fit.
 */
export function planHookCall(action: Action, s: PlanInput, opts: PlanSettings = {}): Plan {
  switch (action.kind) {
    case "hold":
      return noCall("hold", "hold");
    case "repeg": {
      const moveFit = fitRepegToMoveCap(planRepeg(action.fraction ?? 1, s), s, opts);
      const spot = keepRequest(fitRepeg(moveFit, s, opts), moveFit);
      return "skip" in spot && REFERENCE_FALLBACK.has(spot.reason) ? (planReferenceRepeg(spot, s, opts) ?? spot) : spot;
    }
    case "kUp":
      return fitKToCaps(planK(+1, action.stepBps, s), s);
    case "kDown":
      return fitKToCaps(planK(-1, action.stepBps, s), s);
  }
}

/** When the budget fit did not shrink a move-cap-fitted call, keep the move fit's request and note. */
function keepRequest(after: Plan, before: Plan): Plan {
  if ("skip" in after || after.requested || "skip" in before || !before.requested) return after;
  return before;
}

/** Why no hook moves now: the snapshot's move-cap room is used up (waits for the window to roll). */
export function moveCapSkip(room: NonNullable<PlanInput["moveCapRoom"]>): string {
  return `move cap: no room left (used ${room.usedBps} of ${room.capBps} bps over the last two ${room.windowSeconds}s hook windows)`;
}

/**
 * Clips a repeg to the move cap's room (SPEC §6): moveBps = ceil(|P' − P|·1e4/P) ≤ room holds for
 * |P' − P| ≤ floor(room·P/1e4). Skips without a preview when no room is left. A clipped step must
 * still move the peg ≥ minRepegBps (the minimum-step rule); the gap-fraction minimum does not apply
 * here: the room is the protocol's rate (maxPegChangeBps per window), so a full-room step is the
 * most any keeper can do against a wide gap, not a dwindling fit near an exhausted cap.
 */
function fitRepegToMoveCap(plan: Plan, s: PlanInput, opts: PlanSettings): Plan {
  const room = s.moveCapRoom;
  if (room === undefined || "skip" in plan) return plan;
  if (room.roomBps <= 0) return noCall("move-cap-exhausted", moveCapSkip(room));
  const requested = plan.call;
  const maxMove = (s.peg * BigInt(room.roomBps)) / BPS;
  const move = requested.target - s.peg;
  if (abs(move) <= maxMove) return plan;
  const target = move > 0n ? s.peg + maxMove : s.peg - maxMove;
  const minBps = opts.minRepegBps ?? DEFAULT_MIN_REPEG_BPS;
  if (maxMove * BPS < BigInt(Math.round(minBps * 1e6)) * s.peg / PPM) {
    return noCall("below-min-step", `move cap room ${room.roomBps} of ${room.capBps} bps is below the minimum repeg step ${minBps} bps`);
  }
  return {
    call: { kind: "repeg", target },
    requested,
    note: `requested peg ${requested.target} moves ${pegMoveBps(s.peg, requested.target)} bps > move cap room ${room.roomBps} bps: fitted to peg ${target}`,
  };
}

/** The market's k-increase moveBps (HookGuards.kIncreaseMoveBps) for the input's state. */
export function kIncreaseMoveBps(s: PlanInput, newSqrtK: bigint): bigint {
  return kIncreaseMoveBpsWad(s.baseReserve, s.sqrtK, newSqrtK, abs(s.longOI - s.shortOI));
}

/**
 * Clips a k change to the issue-13 caps (SPEC §6). Increase: moveBps ≤ room ⇔
 * 2·|d|·(S' − S)·1e4 ≤ room·x·S' ⇔ S'·(2·|d|·1e4 − room·x) ≤ 2·|d|·1e4·S (any S' when the bracket
 * is ≤ 0). Decrease: ceil((S − S')·1e4/S) ≤ room ⇔ S − S' ≤ floor(room·S/1e4).
 */
function fitKToCaps(plan: Plan, s: PlanInput): Plan {
  if ("skip" in plan) return plan;
  const requested = plan.call;
  if (requested.target > s.sqrtK) {
    const room = s.moveCapRoom;
    if (room === undefined || kIncreaseMoveBps(s, requested.target) <= BigInt(room.roomBps)) return plan;
    const twoD = 2n * abs(s.longOI - s.shortOI) * BPS;
    const bracket = twoD - BigInt(room.roomBps) * s.baseReserve;
    const target = bracket <= 0n ? requested.target : (twoD * s.sqrtK) / bracket;
    if (target <= s.sqrtK) return noCall("move-cap-exhausted", room.roomBps <= 0 ? moveCapSkip(room) : `move cap room ${room.roomBps} bps allows no k increase`);
    return { call: { kind: "updateK", target }, requested, note: `requested sqrtK ${requested.target} moves ${kIncreaseMoveBps(s, requested.target)} bps > move cap room ${room.roomBps} bps: fitted to ${target}` };
  }
  const room = s.kDecreaseRoom;
  if (room === undefined) return plan;
  const minTarget = s.sqrtK - (s.sqrtK * BigInt(room.roomBps)) / BPS;
  if (requested.target >= minTarget) return plan;
  if (minTarget >= s.sqrtK) return noCall("k-decrease-cap", `k-decrease cap: no room left (used ${room.usedBps} of ${room.capBps} bps over the last two day windows)`);
  return { call: { kind: "updateK", target: minTarget }, requested, note: `requested sqrtK ${requested.target} exceeds k-decrease cap room ${room.roomBps} bps: fitted to ${minTarget}` };
}

/** Spot-plan skips a repeg judged on the reference mark may replace (not cap or invalid-input skips). */
const REFERENCE_FALLBACK: ReadonlySet<NoCallReason> = new Set<NoCallReason>(["no-budget", "below-min-step", "at-oracle"]);

/**
 * Share of the reference's gap a reference repeg closes: between the snapshot and the hook's block
 * the reference moves toward the spot mark, which sits across the oracle, so a full step could pass it.
 */
export const REFERENCE_FRACTION_PPM = 900_000n;

/**
 * The repeg the reference mark allows when the spot plan cannot go (SPEC §6): when the spot mark
 * and the reference sit on opposite sides of the oracle, as after a push held against the users
 * (the policy steerer), the hook accepts a repeg toward the oracle judged on the reference. The
 * planner takes it only when it earns (cost < 0): it moves the spot mark away from the oracle, so
 * it is never paid for from the budget. Its size is the reference's gap (REFERENCE_FRACTION_PPM of
 * it), clipped to maxPegChangeBps and the move cap, and at least minRepegBps; the action's fraction
 * was the spot plan's.
 */
function planReferenceRepeg(spot: Extract<Plan, { readonly skip: string }>, s: PlanInput, opts: PlanSettings): Plan | undefined {
  const ref = s.referenceMark;
  if (ref === undefined || ref === 0n || s.quoteReserve === 0n || s.baseReserve === 0n) return undefined;
  const refGap = s.oracle - ref;
  const spotGap = s.oracle - markWad(s);
  // Read only across the oracle from the spot mark (or with the mark on it), as the hook does.
  if (refGap === 0n || (spotGap !== 0n && (refGap > 0n) === (spotGap > 0n))) return undefined;
  const up = refGap > 0n;
  const target = ref + (refGap * REFERENCE_FRACTION_PPM) / PPM; // truncates toward the reference
  // ref·P'/P must not pass the target: round P' toward the current peg.
  const newPeg = clipToMaxPegChange(up ? (s.peg * target) / ref : ceilDiv(s.peg * target, ref), up, s);
  if (newPeg === s.peg || (up ? newPeg < s.peg : newPeg > s.peg)) return undefined;
  const plan = fitRepegToMoveCap({ call: { kind: "repeg", target: newPeg } }, s, opts);
  if ("skip" in plan) return undefined;
  const minBps = opts.minRepegBps ?? DEFAULT_MIN_REPEG_BPS;
  if (abs(plan.call.target - s.peg) * BPS * PPM < BigInt(Math.round(minBps * 1e6)) * s.peg) return undefined;
  const cost = repegCost(s, plan.call.target);
  if (cost === undefined || cost >= 0n) return undefined;
  return {
    call: plan.call,
    note: `spot plan skipped (${spot.reason}: ${spot.skip}); the reference mark ${ref} is across the oracle ${s.oracle} from the spot mark: repeg toward it on the reference, earning ${-cost}`,
  };
}

/** A new peg clipped to ±maxPegChangeBps of the current one (floor of the bound, toward the peg). */
function clipToMaxPegChange(newPeg: bigint, up: boolean, s: PlanInput): bigint {
  const maxMove = (s.peg * BigInt(s.limits.maxPegChangeBps)) / BPS;
  if (up && newPeg > s.peg + maxMove) return s.peg + maxMove;
  if (!up && newPeg < s.peg - maxMove) return s.peg - maxMove;
  return newPeg;
}

function planRepeg(fraction: number, s: PlanInput): Plan {
  if (!(fraction > 0 && fraction <= 1)) return noCall("invalid-action", `invalid repeg fraction ${fraction}`);
  if (s.quoteReserve === 0n || s.baseReserve === 0n) return noCall("empty-reserves", "empty reserves");
  const mark = markWad(s);
  const gap = s.oracle - mark;
  if (gap === 0n) return noCall("at-oracle", "mark already at the oracle");
  const frac = BigInt(Math.round(fraction * 1e6));
  const target = mark + (gap * frac) / PPM; // bigint division truncates toward zero: toward the mark
  const exact = target * s.baseReserve;
  const up = gap > 0n;
  const newPeg = clipToMaxPegChange(up ? exact / s.quoteReserve : ceilDiv(exact, s.quoteReserve), up, s);
  if (newPeg === s.peg || (up ? newPeg < s.peg : newPeg > s.peg)) return noCall("below-min-step", "repeg too small to change the peg");
  return { call: { kind: "repeg", target: newPeg } };
}

function fitRepeg(plan: Plan, s: PlanInput, opts: PlanSettings): Plan {
  if (!(opts.fitToBudget ?? true) || "skip" in plan) return plan;
  const requested = plan.call;
  const cost = repegCost(s, requested.target);
  if (cost === undefined || cost <= 0n) return plan; // revenue, or a book the curve cannot value
  const headroom = s.dailyCapHeadroom;
  const limit = headroom !== undefined && headroom < s.budget ? headroom : s.budget;
  const limitName = limit === s.budget ? "budget" : "daily cap headroom";
  if (cost <= limit) return plan;
  const allowed = (limit * FIT_SHARE_PCT) / 100n;
  // Linear in the move: scale it by allowed / cost, truncated toward the current peg.
  const move = ((requested.target - s.peg) * allowed) / cost;
  const target = s.peg + move;
  const planned = repegCost(s, target) ?? 0n;
  if (move === 0n || planned > limit) return noCall("no-budget", `repeg cost ${cost} exceeds ${limitName} ${limit}; no peg step fits`);
  const tooSmall = belowMinimum(s, target, opts);
  if (tooSmall) return noCall("below-min-step", `${tooSmall} (requested peg costs ${cost} > ${limitName} ${limit})`);
  return {
    call: { kind: "repeg", target },
    requested,
    note: `requested peg ${requested.target} costs ${cost} > ${limitName} ${limit}: fitted to peg ${target} costing ${planned}`,
  };
}

/**
 * Why a fitted peg `target` is too small to be worth a transaction, or undefined. Exact bigint
 * comparisons in millionths: closed = (mark' − mark)/(oracle − mark), move = |P' − P|/P.
 */
function belowMinimum(s: PlanInput, target: bigint, opts: PlanSettings): string | undefined {
  const minBps = opts.minRepegBps ?? DEFAULT_MIN_REPEG_BPS;
  const minFraction = opts.minFitFraction ?? DEFAULT_MIN_FIT_FRACTION;
  const mark = markWad(s);
  const gap = s.oracle - mark;
  const newMark = markPrice(s.baseReserve, s.quoteReserve, target);
  const closedPpm = ((newMark - mark) * PPM) / gap; // same sign as the gap: toward the oracle
  const moveBpsPpm = (abs(target - s.peg) * BPS * PPM) / s.peg;
  if (closedPpm >= BigInt(Math.round(minFraction * 1e6)) && moveBpsPpm >= BigInt(Math.round(minBps * 1e6))) return undefined;
  const bps = (ppm: bigint): string => (Number(ppm) / 1e6).toFixed(4).replace(/\.?0+$/, "");
  return (
    `fitted repeg below minimum: closes ${bps(closedPpm * BPS)} bps of the gap, min ${bps(BigInt(Math.round(minFraction * 1e10)))}; ` +
    `moves the peg ${bps(moveBpsPpm)} bps, min ${minBps}`
  );
}

/** previewRepeg's cost for the snapshot's state: ceil((y − y_t)·(P' − P)/WAD), y_t = ceil(k/(x + d)). */
export function repegCost(s: Pick<PlanInput, "baseReserve" | "quoteReserve" | "peg" | "sqrtK" | "longOI" | "shortOI">, newPeg: bigint): bigint | undefined {
  const d = s.longOI - s.shortOI;
  if (s.baseReserve + d <= 0n) return undefined; // CostMathWad.terminalQuote would revert Vamm_InsufficientLiquidity
  return repegCostWad(s.baseReserve, s.quoteReserve, s.sqrtK, d, s.peg, newPeg);
}

function planK(direction: 1 | -1, stepBps: number | undefined, s: PlanInput): Plan {
  if (stepBps === undefined || !(stepBps > 0)) return noCall("invalid-action", `invalid k step ${stepBps}`);
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
  if (target === s.sqrtK) return noCall("k-bound", direction > 0 ? "k already at its upper bound" : "k cannot go lower (bound or net position)");
  return { call: { kind: "updateK", target } };
}
