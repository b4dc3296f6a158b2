/** The learned policy: greedy on a loaded Q-table, behind the shared Policy interface. */
import type { Decision, MarketObservation, Policy } from "../core/policyTypes";
import type { LoadedPolicy } from "./policyFile";
import { createStateSpace, type StateSpace } from "./stateIndex";
import type { Action } from "../core/policyTypes";

export class QPolicy implements Policy {
  readonly space: StateSpace;
  private readonly actions: readonly Action[];

  constructor(
    readonly loaded: LoadedPolicy,
    readonly name: string = loaded.name,
  ) {
    this.space = createStateSpace(loaded.mdp.state);
    this.actions = loaded.mdp.actions;
    if (this.space.size !== loaded.table.nStates || this.actions.length !== loaded.table.nActions) {
      throw new Error(`policy ${loaded.name}: table is ${loaded.table.nStates}×${loaded.table.nActions} but the MDP is ${this.space.size}×${this.actions.length}`);
    }
  }

  decide(obs: MarketObservation): Decision {
    const stateIndex = this.space.index(obs);
    const actionIndex = this.loaded.table.greedy(stateIndex);
    return { action: this.actions[actionIndex], actionIndex, stateIndex, qValues: this.loaded.table.row(stateIndex) };
  }
}
