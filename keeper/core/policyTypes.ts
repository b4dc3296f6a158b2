/**
 * The seam between the market (simulator or chain), the policies and the keeper.
 * The simulator (`keeper/sim`), the on-chain reader (`keeper/service`) and every policy
 * (`keeper/policy`) speak these types, so a policy trained in the simulator runs unchanged
 * against the chain.
 */

/** What a policy sees of one market at a decision point. Natural units (1.0 = one WAD). */
export interface MarketObservation {
  /** Seconds since the episode / chain epoch. */
  readonly time: number;
  readonly baseReserve: number;
  readonly quoteReserve: number;
  readonly peg: number;
  readonly sqrtK: number;
  readonly mark: number;
  readonly oracle: number;
  readonly markTwap: number;
  readonly oracleTwap: number;
  /** Sum of long sizes (base). */
  readonly longOI: number;
  /** Sum of |short sizes| (base). */
  readonly shortOI: number;
  readonly budget: number;
  readonly reservedShare: number;
  /** Realised oracle volatility estimate (per √day); 0 when unknown. */
  readonly volatility: number;
  /** Seconds since the last repeg or k update; Infinity when none. */
  readonly sinceLastUpdate: number;
  /**
   * What the guard rails leave at this instant (SPEC §6): bps of hook-induced mark move under the
   * move cap, and bps of k decrease under the rolling daily k-decrease cap. Optional: where it is
   * absent, no action is masked by the guards (the chain refuses, the planner skips).
   */
  readonly hookRoom?: { readonly moveBps: number; readonly kDecreaseBps: number };
  /**
   * The market's reference depth (sqrtK at deployment, where its demand was sized): a policy reads
   * depth as sqrtK / depthRef. Optional: absent = the current sqrtK (depth ratio 1).
   */
  readonly depthRef?: number;
}

export type ActionKind = "hold" | "repeg" | "kUp" | "kDown";

/**
 * A discrete action. `repeg` moves the peg toward the oracle by `fraction` of the gap
 * (clipped by the guard rails); `kUp`/`kDown` change sqrtK by `stepBps`.
 */
export interface Action {
  readonly kind: ActionKind;
  readonly fraction?: number;
  readonly stepBps?: number;
}

export const HOLD: Action = Object.freeze({ kind: "hold" });

/** A decision with what it was based on, for journals and reports. */
export interface Decision {
  readonly action: Action;
  readonly actionIndex: number;
  readonly stateIndex: number;
  /** Q-values of the state (empty for rule-based policies). */
  readonly qValues: readonly number[];
  /**
   * Optional: the policy's estimate (quote units) of what taking this action gains over holding.
   * The keeper skips an update whose expected gain is below its gas cost.
   */
  readonly expectedGain?: number;
}

export interface Policy {
  readonly name: string;
  decide(obs: MarketObservation): Decision;
}
