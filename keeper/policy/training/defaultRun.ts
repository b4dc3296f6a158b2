/**
 * The default training run (what `npm run train` does without flags and what
 * policies/default.json was trained with; issue 16). Every choice below was made on train and
 * validation only (BENCHMARKS.md, "A learned keeper judged honestly" and "Options over rules"):
 * - State: imbalance × what a repeg would earn × the funding the AMM receives × depth relative to
 *   the reference depth (9 × 5 × 3 × 6 = 810 states). Net revenue is mostly fees; what a keeper's
 *   choice moves is the hooks' PnL and the funding side (`npm run evaluate:parts`). A repeg's
 *   PnL has the sign of the gap times the users' net side (stateIndex.repegGainBps) and the
 *   funding the AMM's exposure earns has the sign of the premium times that side (ammFundingBps,
 *   what the threshold rule reads to step k); depth is what a k step changes.
 * - Actions (since 2026-12-02, seventh session): two rule actions, the tuned threshold rule's step and the
 *   tuned depth-seeking rule's step (mdpConfig's rule actions; their options are frozen into the
 *   policy file when training starts). The learner chooses, state by state, which rule acts. With
 *   the primitive actions below (PRIMITIVE_TRAIN_MDP) the learner reached 0.923× depth-seeking on
 *   validation; adding hold and a repeg to the two rules, a 30 bps tracking shield, or a volatility
 *   dimension each scored lower (BENCHMARKS "Options over rules").
 * - Reward (reward.ts): change of protocol net revenue in bps of the starting quote depth, a
 *   tracking penalty per bp of mean |gap|, and the worst-drawdown increase as a tail-risk term.
 *   No term pays an action for itself (the old depth credit is gone).
 * - No tracking shield: both rules repeg on their own triggers (10 bps for threshold; depth-seeking
 *   10 when the repeg earns, 60 when it costs); a 30 bps shield masked depth-seeking's k steps
 *   between 30 and 60 bps and scored 0.927× depth-seeking (seed 1).
 * - Learner: γ 0.99 (a k step pays over the rest of the episode, ~77 hourly steps; 0.95 learned
 *   less on validation), ε linear 1 → 0.05 over
 *   60 % of the episodes, α = max(0.01, 1/visits^0.7), one replay sweep of 20,000 transitions
 *   per episode. A fresh generated train scenario every episode, sandwich bot on.
 *
 * The tabular learner over primitive actions stays available: PRIMITIVE_TRAIN_MDP, or
 * `npm run train -- --config docs/experiments/issue16-state/C2.json`.
 */
import { DEFAULT_MDP, IMBALANCE_ONLY_STATE, type MdpConfig } from "../mdpConfig";
import { DEFAULT_LEARNER } from "./trainConfig";
import type { TrainConfig } from "./trainConfig";

/** Depth buckets: sqrtK / depthRef. */
export const DEPTH_EDGES = [0.97, 1.01, 1.05, 1.15, 1.3];
/** What a repeg would earn (bps of gap signed by the users' net side). */
export const REPEG_GAIN_EDGES = [-10, -3, 3, 10];
/** Beyond this |mark − oracle| (bps) only the repeg is allowed (the tracking shield). */
export const SHIELD_BPS = 30;
/** Funding premium the AMM receives (bps); the threshold rule's tuned premium is 2 bps. */
export const AMM_FUNDING_EDGES = [-2, 2];

/**
 * The learner over market actions (the default run before rule actions; docs/experiments/issue16-state/C2.json):
 * hold, repeg the whole gap (fitted by the planner to budget and move cap), k +100 / +200 bp and
 * k −100 / −200 bp, behind a 30 bps tracking shield (beyond it only the repeg is allowed). Under the
 * default maxKIncreaseBps (100) the planner clips +200 to +100; without the +200 action three
 * training seeds earned less on validation. Half repegs were dropped: with them one crash-slide
 * validation market lost its budget to bad debt.
 */
export const PRIMITIVE_TRAIN_MDP: MdpConfig = {
  ...DEFAULT_MDP,
  state: {
    ...IMBALANCE_ONLY_STATE,
    repegGainBps: { edges: REPEG_GAIN_EDGES, minImbalance: 0.02 },
    ammFundingBps: { edges: AMM_FUNDING_EDGES, minImbalance: 0.05 },
    depth: { edges: DEPTH_EDGES },
  },
  actions: [
    { kind: "hold" },
    { kind: "repeg", fraction: 1 },
    { kind: "kUp", stepBps: 100 },
    { kind: "kUp", stepBps: 200 },
    { kind: "kDown", stepBps: 100 },
    { kind: "kDown", stepBps: 200 },
  ],
  reward: { per: "depthBps", trackingPenaltyPerBps: 0.005, drawdownPenalty: 0.5 },
  trackingShield: { gapBps: SHIELD_BPS },
};

/** The default run's MDP: the same state, and the choice between the two tuned rules' steps. */
export const DEFAULT_TRAIN_MDP: MdpConfig = {
  state: PRIMITIVE_TRAIN_MDP.state,
  actions: [
    { kind: "rule", rule: "threshold" },
    { kind: "rule", rule: "depth-seeking" },
  ],
  reward: PRIMITIVE_TRAIN_MDP.reward,
};

/** Episodes of the default run: ≥ 200,000 decision steps (a generated scenario averages ≈ 77 hourly steps). */
export const DEFAULT_EPISODES = 2_700;

/** The default run's settings for `episodes` episodes (ε reaches its floor at 60 % of them). */
export function defaultTrainConfig(episodes = DEFAULT_EPISODES, seed = 1): TrainConfig {
  return {
    episodes,
    seed,
    learner: { ...DEFAULT_LEARNER, gamma: 0.99, epsilon: { kind: "linear", start: 1, end: 0.05, episodes: Math.max(1, Math.round(0.6 * episodes)) } },
    curveEvery: 1,
    replay: { sweeps: 1, capacity: 20_000 },
  };
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = defaultTrainConfig();

/** Worker threads and merge rounds of the default run; validation scenarios in its learning curve. */
export const DEFAULT_PARALLEL = { threads: 2, rounds: 10, curveScenarios: 12 } as const;

/** The command that reproduces policies/default.json (recorded in the file's training config). */
export const DEFAULT_TRAIN_COMMAND = "npm run train -- --seed 1 --out policies/default.json --force";
