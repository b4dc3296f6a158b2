/** The learned policy: greedy on a loaded Q-table, behind the shared Policy interface. */
import type { Decision, MarketObservation, Policy } from "../core/policyTypes";
import type { LoadedPolicy } from "./policyFile";
import { createStateSpace, type StateSpace } from "./stateIndex";
import { createActionMask, type ActionMaskFn } from "./actionShield";
import { createActionResolver, type ActionsAt } from "./ruleActions";

export class QPolicy implements Policy {
  readonly space: StateSpace;
  /** The market action each table column stands for at an observation (a rule action: its rule's decision). */
  private readonly actionsAt: ActionsAt;
  /** The tracking shield stored with the policy and the guard rails' room (keeper/policy/actionShield.ts). */
  private readonly maskOf: ActionMaskFn;

  constructor(
    readonly loaded: LoadedPolicy,
    readonly name: string = loaded.name,
  ) {
    this.space = createStateSpace(loaded.mdp.state);
    this.actionsAt = createActionResolver(loaded.mdp.actions);
    this.maskOf = createActionMask(loaded.mdp);
    if (this.space.size !== loaded.table.nStates || loaded.mdp.actions.length !== loaded.table.nActions) {
      throw new Error(`policy ${loaded.name}: table is ${loaded.table.nStates}×${loaded.table.nActions} but the MDP is ${this.space.size}×${loaded.mdp.actions.length}`);
    }
  }

  decide(obs: MarketObservation): Decision {
    const stateIndex = this.space.index(obs);
    // Greedy over the allowed actions only: the same rule the table was trained under.
    const acts = this.actionsAt(obs);
    const actionIndex = this.loaded.table.greedyMasked(stateIndex, this.maskOf(obs, acts));
    return { action: acts[actionIndex], actionIndex, stateIndex, qValues: this.loaded.table.row(stateIndex) };
  }
}
