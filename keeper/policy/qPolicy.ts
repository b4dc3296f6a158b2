/** The learned policy: greedy on a loaded Q-table, behind the shared Policy interface. */
import type { Decision, MarketObservation, Policy } from "../core/policyTypes";
import type { LoadedPolicy } from "./policyFile";
import { createStateSpace, type StateSpace } from "./stateIndex";
import { createActionMask, type ActionMaskFn } from "./actionShield";
import type { Action } from "../core/policyTypes";

export class QPolicy implements Policy {
  readonly space: StateSpace;
  private readonly actions: readonly Action[];
  /** The tracking shield stored with the policy (all actions allowed when it has none). */
  private readonly maskOf: ActionMaskFn | null;

  constructor(
    readonly loaded: LoadedPolicy,
    readonly name: string = loaded.name,
  ) {
    this.space = createStateSpace(loaded.mdp.state);
    this.actions = loaded.mdp.actions;
    this.maskOf = loaded.mdp.trackingShield ? createActionMask(loaded.mdp) : null;
    if (this.space.size !== loaded.table.nStates || this.actions.length !== loaded.table.nActions) {
      throw new Error(`policy ${loaded.name}: table is ${loaded.table.nStates}×${loaded.table.nActions} but the MDP is ${this.space.size}×${this.actions.length}`);
    }
  }

  decide(obs: MarketObservation): Decision {
    const stateIndex = this.space.index(obs);
    // Greedy over the allowed actions only: the same rule the table was trained under.
    const actionIndex = this.loaded.table.greedyMasked(stateIndex, this.maskOf ? this.maskOf(obs) : undefined);
    return { action: this.actions[actionIndex], actionIndex, stateIndex, qValues: this.loaded.table.row(stateIndex) };
  }
}
