/**
 * What training needs from an environment: reset, and a step that reports the reward's parts.
 * keeper/policy/simAdapter.ts maps the simulator's MarketEnv onto it; tests use tiny hand-made MDPs.
 */
import type { Action, MarketObservation } from "../../core/policyTypes";
import type { RewardParts } from "../reward";

export interface StepOutcome {
  readonly obs: MarketObservation;
  readonly parts: RewardParts;
  /** Episode over (time limit or terminal). */
  readonly done: boolean;
  /** True only for a real terminal state (no bootstrap); a time limit is not one. */
  readonly terminal: boolean;
}

export interface PolicyEnv {
  reset(): MarketObservation;
  step(action: Action): StepOutcome;
}

/** Builds a fresh environment for one episode of a named scenario. */
export type EnvFactory = (scenario: string, seed: number) => PolicyEnv;
