/**
 * The best rule on validation, chosen the way the rules were tuned (keeper/policy/baselines/
 * tuned.json "objective"): the highest mean protocol net revenue among the rules whose mean
 * |mark − oracle| is no worse than no keeper's on the same scenarios. Every registered rule except
 * static (no keeper) is a candidate, with its tuned options as the resolver builds it; the figures
 * come from the project's own evaluator on the generated validation split (sandwich bot on), never
 * the test split. Nothing here names a winner: which rule it is follows from tuned.json and the
 * simulator.
 */
import { evaluate, defaultThreads } from "../../policy/eval/evaluate";
import { resolveScenarioSource } from "../../policy/eval/scenarioSource";
import { baselineNames, REPO_ROOT } from "../../resolve/policyResolver";

export interface RuleScore {
  readonly rule: string;
  readonly netRevenue: number;
  readonly meanGapBps: number;
  /** Mean gap ≤ no keeper's. */
  readonly feasible: boolean;
}

export interface BestRuleChoice {
  readonly rule: string;
  /** How it was chosen, in words (for the table's legend and the report). */
  readonly why: string;
  readonly scores: readonly RuleScore[];
  readonly staticGapBps: number;
  readonly scenarios: number;
  readonly seconds: number;
}

const NO_KEEPER = "static";

/** Candidate rules: every registered rule but static and the shipped "default" name. */
export function candidateRules(): string[] {
  return baselineNames().filter((n) => n !== NO_KEEPER && n !== "default");
}

/** Picks the best rule from scores (pure; exported for tests). */
export function pickBestRule(scores: readonly RuleScore[]): RuleScore {
  if (scores.length === 0) throw new Error("best rule: no candidate rule to choose from");
  const feasible = scores.filter((s) => s.feasible);
  const pool = feasible.length ? feasible : scores;
  return pool.reduce((best, s) => (s.netRevenue > best.netRevenue ? s : best));
}

export async function chooseBestRule(o: { count: number; threads?: number }): Promise<BestRuleChoice> {
  const t0 = Date.now();
  const rules = candidateRules();
  const source = resolveScenarioSource("validation", { count: o.count, seeds: 2, projectRoot: REPO_ROOT });
  const out = await evaluate({ policies: [NO_KEEPER, ...rules], source, seeds: 2, threads: o.threads ?? defaultThreads(), replay: false, reference: NO_KEEPER });
  const meanOf = (policy: string, f: (m: (typeof out.episodes)[number]["metrics"]) => number): number => {
    const eps = out.episodes.filter((e) => e.policy === policy);
    return eps.reduce((a, e) => a + f(e.metrics), 0) / eps.length;
  };
  const staticGap = meanOf(NO_KEEPER, (m) => m.meanGapBps);
  const scores = rules.map((rule) => {
    const meanGapBps = meanOf(rule, (m) => m.meanGapBps);
    return { rule, netRevenue: meanOf(rule, (m) => m.netRevenue), meanGapBps, feasible: meanGapBps <= staticGap };
  });
  const best = pickBestRule(scores);
  const why = best.feasible
    ? `highest mean protocol net revenue on ${source.cases.length} validation scenarios (sandwich bot on) among the rules tracking no worse than no keeper (${staticGap.toFixed(2)} bps)`
    : `no rule tracked as well as no keeper (${staticGap.toFixed(2)} bps) on ${source.cases.length} validation scenarios: highest mean protocol net revenue`;
  return { rule: best.rule, why, scores, staticGapBps: staticGap, scenarios: source.cases.length, seconds: (Date.now() - t0) / 1000 };
}
