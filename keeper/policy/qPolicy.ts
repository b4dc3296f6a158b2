/** The learned policy: greedy on a loaded Q-table, behind the shared Policy interface. */
import type { Decision, MarketObservation, Policy } from "../core/policyTypes";
import type { LoadedPolicy } from "./policyFile";
import { createStateSpace, type StateSpace } from "./stateIndex";
import { createActionMask, type ActionMaskFn } from "./actionShield";
import type { Action } from "../core/policyTypes";

export class QPolicy implements Policy {
  readonly space: StateSpace;
  private readonly actions: readonly Action[];
  /** The tracking shield stored with the policy and the guard rails' room (keeper/policy/actionShield.ts). */
  private readonly maskOf: ActionMaskFn;

  constructor(
    readonly loaded: LoadedPolicy,
    readonly name: string = loaded.name,
  ) {
    this.space = createStateSpace(loaded.mdp.state);
    this.actions = loaded.mdp.actions;
    this.maskOf = createActionMask(loaded.mdp);
    if (this.space.size !== loaded.table.nStates || this.actions.length !== loaded.table.nActions) {
      throw new Error(`policy ${loaded.name}: table is ${loaded.table.nStates}×${loaded.table.nActions} but the MDP is ${this.space.size}×${this.actions.length}`);
    }
  }

  decide(obs: MarketObservation): Decision {
    const stateIndex = this.space.index(obs);
    // Greedy over the allowed actions only: the same rule the table was trained under.
    const actionIndex = this.loaded.table.greedyMasked(stateIndex, this.maskOf(obs));
    return { action: this.actions[actionIndex], actionIndex, stateIndex, qValues: this.loaded.table.row(stateIndex) };
  }
}
