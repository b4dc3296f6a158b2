/**
 * The demo's third line. The best rule on validation is the highest-revenue rule in the project's
 * selection (policies/selection.json, written by `npm run select:default`; read through
 * keeper/policy/defaultSelection.ts `bestRuleOnValidation`), the file that also makes the shipped
 * default: no second evaluation here. It may differ from the shipped keeper: a rule that tracks
 * worse than no keeper in some family is the best rule but is not shipped. When the shipped keeper IS that rule, the third
 * line shows the learned policy instead (the alternative that was not shipped); when the shipped
 * keeper is the learned policy, it shows the best rule.
 */
import type { Policy } from "../../core/policyTypes";
import { bestRuleOnValidation, selectionPath, LEARNED_NAME } from "../../policy/defaultSelection";
import { baselineNames, REPO_ROOT } from "../../resolve/policyResolver";
import { parseRuleSpec, ruleNameOf } from "../../policy/baselines/ruleCatalog";
import type { DemoLineSpec } from "./demoLines";

const NO_KEEPER = "static";

/** Candidate rules: every registered rule but static and the shipped "default" name. */
export function candidateRules(): string[] {
  return baselineNames().filter((n) => n !== NO_KEEPER && n !== "default");
}

export interface BestRuleChoice {
  readonly rule: string;
  /** Where it came from, in words (for the output and the report). */
  readonly why: string;
}

/**
 * The best rule: `named` (DEMO_RULE) if given, else the selection's. Without a selection file this
 * throws: a rule picked without validation figures would be shown as "best on validation" falsely.
 */
export function demoBestRule(named: string | undefined, root = REPO_ROOT): BestRuleChoice {
  if (named) {
    // A rule by name, or with option overrides: depth-seeking{"repegAboveBps":10} (ruleCatalog.ts).
    const rule = ruleNameOf(named);
    if (!candidateRules().includes(rule)) throw new Error(`DEMO_RULE=${named}: not a keeper rule (${candidateRules().join(", ")}, each optionally with {…} option overrides)`);
    try {
      parseRuleSpec(named);
    } catch (e) {
      throw new Error(`DEMO_RULE=${named}: ${(e as Error).message}`);
    }
    return { rule: named, why: "named by DEMO_RULE (not the selection's choice)" };
  }
  const rule = bestRuleOnValidation(root);
  const file = selectionPath(root);
  if (!rule) throw new Error(`demo: no best rule on validation — ${file} is missing or lists no rule; run \`npm run select:default\` first (or name one with DEMO_RULE)`);
  return { rule, why: `highest validation net revenue among the rules in policies/selection.json (npm run select:default)` };
}

/** Not shipped: why is in policies/selection.json and defaultSelection.ts `chooseDefault`. */
export const LEARNED_LABEL = "learned policy (not shipped: see policies/selection.json)";

/**
 * The three lines: shipped, no keeper, and the alternative — the learned policy when the shipped
 * keeper is the best rule, else the best rule. `resolve` builds a policy from its name.
 */
export function demoLineSpecs(shipped: Policy, bestRule: string, resolve: (name: string) => Policy): DemoLineSpec[] {
  const best = resolve(bestRule);
  const third: DemoLineSpec =
    shipped.name === best.name
      ? { role: "learned", label: LEARNED_LABEL, policy: resolve(LEARNED_NAME) }
      : { role: "best-rule", label: `best rule (${bestRule})`, policy: best };
  return [{ role: "shipped", label: `shipped keeper (${shipped.name})`, policy: shipped }, { role: "none", label: "no keeper", policy: null }, third];
}
