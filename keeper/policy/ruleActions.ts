/**
 * Rule actions (mdpConfig ActionSchema, kind "rule"): an MDP action that hands one step to a
 * stateless rule. `createActionResolver` turns an MDP's action list into the market actions it
 * stands for at an observation, the one place where a rule action becomes a hold, repeg or k step:
 * the trainer executes those, and QPolicy.decide returns them to the keeper.
 */
import type { Action, MarketObservation } from "../core/policyTypes";
import { RULES, buildRuleWithOptions, completeRuleOptions } from "./baselines/ruleCatalog";
import type { MdpAction, MdpConfig, RuleAction } from "./mdpConfig";

/** The market actions an MDP's actions stand for at `obs`, index for index. */
export type ActionsAt = (obs: MarketObservation) => readonly Action[];

export function hasRuleActions(actions: readonly MdpAction[]): boolean {
  return actions.some((a) => a.kind === "rule");
}

/**
 * The resolver of an action list. A rule action needs a stateless rule and its complete options
 * (as freezeRuleActions writes them); anything else is refused naming the action's index.
 */
export function createActionResolver(actions: readonly MdpAction[]): ActionsAt {
  if (!hasRuleActions(actions)) {
    const fixed = actions as readonly Action[];
    return () => fixed;
  }
  const deciders = actions.map((a, i) => (a.kind === "rule" ? delegateOf(a, `actions[${i}]`) : null));
  return (obs) => actions.map((a, i) => deciders[i]?.(obs) ?? (a as Action));
}

function delegateOf(a: RuleAction, where: string): (obs: MarketObservation) => Action {
  const { policy, def } = buildRuleWithOptions(a.rule, a.options ?? {}, where);
  if (!def.stateless) throw new Error(`${where}.rule: rule ${a.rule} keeps state between decisions, so it cannot be handed single steps`);
  return (obs) => policy.decide(obs).action;
}

/**
 * The MDP with every rule action's options completed (the rule's defaults ← tuned.json ← the
 * action's own), as training stores it in the policy file.
 */
export function freezeRuleActions(mdp: MdpConfig): MdpConfig {
  if (!hasRuleActions(mdp.actions)) return mdp;
  const actions = mdp.actions.map((a, i) => {
    if (a.kind !== "rule") return a;
    if (!RULES.has(a.rule)) throw new Error(`actions[${i}].rule: no such rule "${a.rule}" (${[...RULES.keys()].join(", ")})`);
    return { kind: "rule" as const, rule: a.rule, options: completeRuleOptions(a.rule, a.options ?? {}, `actions[${i}].options`) };
  });
  createActionResolver(actions); // refuses a rule that keeps state before any training starts
  return { ...mdp, actions };
}
