/**
 * The allowed-action set of an MDP (mdpConfig `trackingShield`) as a bit mask over action
 * indices: bit i set = action i allowed. Beyond the shield's limit only repegs; inside it every
 * action, or every action but the repegs when `repegOnlyWhenShielded` is set; then intersected with
 * what the guard rails leave (move cap, k-decrease cap). With an exposure
 * guard, a repeg that would lock in the net user position is removed from those sets (up to the
 * guard's gap cap; beyond the limit that leaves hold alone). Computed from the
 * observation (not the state bucket), so training, QPolicy.decide and the keeper apply exactly the
 * same rule.
 */
import type { Action, MarketObservation } from "../core/policyTypes";
import { kIncreaseMoveBps } from "../sim/guards";
import type { ExposureGuard, MdpConfig, TrackingShield } from "./mdpConfig";
import { createActionResolver } from "./ruleActions";
import { gapBps } from "./stateIndex";

/**
 * The allowed actions at `obs`. `acts`: the market actions the MDP's actions stand for there, when
 * the caller has them already (ruleActions.createActionResolver); otherwise they are resolved here.
 */
export type ActionMaskFn = (obs: MarketObservation, acts?: readonly Action[]) => number;

export function allActionsMask(nActions: number): number {
  if (!Number.isInteger(nActions) || nActions < 1 || nActions > 31) throw new Error(`action mask needs 1..31 actions, got ${nActions}`);
  return 2 ** nActions - 1;
}

export function isAllowed(mask: number, action: number): boolean {
  return ((mask >>> action) & 1) === 1;
}

/**
 * The mask function of an MDP: the tracking shield's set (below) intersected with what the guard
 * rails allow now (guardMask), both judged on the market actions the MDP's actions stand for at the
 * observation (a rule action is what its rule decides there: ruleActions.ts). When the guards leave
 * none of the shield's actions, the actions that hold there (the planner would skip the others
 * anyway); when none holds, the shield's set (the chain refuses what the guards forbid). Only an MDP
 * of rule actions can reach an empty shield set (beyond the limit no rule repegs, and none holds);
 * then every action is allowed rather than none.
 */
export function createActionMask(mdp: Pick<MdpConfig, "actions" | "trackingShield">): ActionMaskFn {
  const actionsAt = createActionResolver(mdp.actions);
  const shield = createShieldMask(mdp);
  const all = allActionsMask(mdp.actions.length);
  return (obs, acts = actionsAt(obs)) => {
    const s = shield(obs, acts);
    const both = s & guardMaskOf(acts, obs);
    if (both !== 0) return both;
    const holds = kindBits(acts, "hold");
    if (holds !== 0) return holds;
    return s !== 0 ? s : all;
  };
}

/**
 * Actions for which the planner (core/hookPlanner.ts) has no call at `obs.hookRoom` (SPEC §6),
 * masked out: the planner fits a step to the room that is left, so an action is masked only when no
 * room is left for it — a k decrease when the k-decrease cap has no bp left; a repeg when the move
 * cap has none; a k increase when even a 1 bp step would shift the mark against the net position
 * (guards.ts kIncreaseMoveBps) beyond the move cap's room. Hold is always allowed. Without
 * `hookRoom` every action is allowed.
 */
export function createGuardMask(actions: readonly Action[]): ActionMaskFn {
  allActionsMask(actions.length);
  return (obs) => guardMaskOf(actions, obs);
}

function guardMaskOf(actions: readonly Action[], obs: MarketObservation): number {
  const room = obs.hookRoom;
  if (!room) return allActionsMask(actions.length);
  const absD = Math.abs(obs.longOI - obs.shortOI);
  let mask = 0;
  actions.forEach((a, i) => {
    if (guardAllows(a, obs, room, absD)) mask |= 1 << i;
  });
  return mask;
}

function guardAllows(a: Action, obs: MarketObservation, room: NonNullable<MarketObservation["hookRoom"]>, absD: number): boolean {
  switch (a.kind) {
    case "hold":
      return true;
    case "repeg":
      return room.moveBps >= 1;
    case "kDown":
      return room.kDecreaseBps >= 1;
    case "kUp":
      return kIncreaseMoveBps(obs.baseReserve, obs.sqrtK, obs.sqrtK * (1 + 1e-4), absD) <= room.moveBps;
  }
}

/** Bit set of the market actions of one kind. */
function kindBits(acts: readonly Action[], kind: Action["kind"]): number {
  let bits = 0;
  acts.forEach((a, i) => {
    if (a.kind === kind) bits |= 1 << i;
  });
  return bits;
}

/**
 * The tracking shield's allowed set at an observation, given the market actions there; without a
 * shield every action is always allowed. The configuration is checked once, on the MDP's actions
 * (a rule action may stand for a repeg or for anything else).
 */
function createShieldMask(mdp: Pick<MdpConfig, "actions" | "trackingShield">): (obs: MarketObservation, acts: readonly Action[]) => number {
  const all = allActionsMask(mdp.actions.length);
  const shield = mdp.trackingShield;
  if (!shield) return () => all;
  if (!mdp.actions.some((a) => a.kind === "repeg" || a.kind === "rule")) throw new Error("trackingShield needs at least one repeg action in the action set");
  // A rule action may repeg anywhere, so it cannot be the circuit breaker's alternative.
  const onlyRepegs = mdp.actions.every((a) => a.kind === "repeg" || a.kind === "rule");
  if (shield.repegOnlyWhenShielded && onlyRepegs) throw new Error("trackingShield.repegOnlyWhenShielded needs at least one non-repeg action in the action set (a rule action may repeg)");
  const limit = shield.gapBps;
  // Inside the limit: every action, or every action but the repegs (a repeg circuit breaker).
  const insideOf = (repegs: number) => (shield.repegOnlyWhenShielded ? all & ~repegs : all);
  const guard = shield.exposureGuard;
  if (!guard) {
    return (obs, acts) => {
      const repegs = kindBits(acts, "repeg");
      return Math.abs(gapBps(obs)) > limit ? repegs : insideOf(repegs);
    };
  }
  const hold = mdp.actions.findIndex((a) => a.kind === "hold");
  if (hold < 0) throw new Error("trackingShield.exposureGuard needs a hold action in the action set");
  if (onlyRepegs) throw new Error("trackingShield.exposureGuard needs at least one non-repeg action in the action set");
  return (obs, acts) => {
    const repegs = kindBits(acts, "repeg");
    const g = Math.abs(gapBps(obs));
    if (!guardForbidsRepeg(guard, obs)) return g > limit ? repegs : insideOf(repegs);
    return g > limit ? 1 << hold : insideOf(repegs) & ~repegs;
  };
}

/**
 * The exposure guard's test (mdpConfig `ExposureGuardSchema`): the gap is at most `maxGapBps` and
 * informed traders, trading toward the oracle, would shrink a net user position beyond
 * `minImbalance` of sqrtK, which a repeg would lock in instead.
 */
export function guardForbidsRepeg(guard: ExposureGuard, obs: MarketObservation): boolean {
  const g = gapBps(obs);
  if (!(obs.sqrtK > 0) || Math.abs(g) > guard.maxGapBps) return false;
  const d = (obs.longOI - obs.shortOI) / obs.sqrtK;
  // Informed flow has the sign of −g (they buy below the oracle); it shrinks |d| when d has the sign of g.
  return Math.abs(d) > guard.minImbalance && g !== 0 && Math.sign(d) === Math.sign(g);
}

/**
 * True when the shield restricts `obs` to repeg actions: the same test createActionMask applies,
 * for wrappers (the supervised ensemble) that must not override a shield-forced repeg.
 */
export function isTrackingShieldActive(shield: TrackingShield | null | undefined, obs: MarketObservation): boolean {
  if (shield == null || Math.abs(gapBps(obs)) <= shield.gapBps) return false;
  return !shield.exposureGuard || !guardForbidsRepeg(shield.exposureGuard, obs);
}
