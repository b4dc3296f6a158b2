/**
 * Evaluates policies on a scenario set × seeds across worker threads and assembles the report
 * data (metrics with 95% intervals, reward parts, traces, replay of a real price series,
 * Q-table heatmap, verdict on the project goal).
 */
import { cpus } from "node:os";
import { extname, join } from "node:path";
import { actionLabel } from "../mdpConfig";
import { isBaseline, loadLearned, policyFamilyModules, policyKind, resolvePolicy } from "../policyRegistry";
import { createStateSpace } from "../stateIndex";
import { listScenarios, replayScenarios, type ScenarioSet } from "../simAdapter";
import { evalSeed, familyLookup, REAL_FAMILY, type EvalCase, type ResolvedSource } from "./scenarioSource";
import { pairedComparison, type PairedRow } from "./paired";
import { METRICS, type EpisodeMetricKey } from "./metricSpec";
import { findScenario } from "../simAdapter";
import type { QHeatmap, ReportData } from "../report/reportData";
import { aggregateMetrics, aggregateRewardParts } from "./aggregate";
import type { EvalJob, EvalJobResult } from "./evalJob";
import { runEvalJob } from "./evalJob";
import { formatGoal, judgeGoal, type Verdict } from "./verdict";
import { FAMILIES } from "../../sim/scenarios/generatorConfig";
import { runPool } from "./workerPool";

export interface EvaluateOptions {
  readonly policies: readonly string[];
  /** Project scenario files (scenarios/train|test): with `scenarios` names and `seeds` seeds each. */
  readonly set?: ScenarioSet;
  /** A resolved --scenarios source (generated split, user file or directory); takes precedence over `set`. */
  readonly source?: ResolvedSource;
  readonly seeds: number;
  /** Worker threads; 0 runs in-process (tests). */
  readonly threads: number;
  /** Restrict a project set to these scenario names (default: the whole set). */
  readonly scenarios?: readonly string[];
  /** Include the replay of a real price series. */
  readonly replay: boolean;
  /** Policy the paired intervals are taken against (default: "static" when evaluated, else the first). */
  readonly reference?: string;
  /** The policy the goal verdict judges (default: the first learned policy file evaluated). */
  readonly judged?: string;
  readonly onProgress?: (done: number, total: number, last: EvalJobResult) => void;
}

export interface EvaluateOutput {
  readonly report: ReportData;
  readonly episodes: readonly EvalJobResult[];
  readonly goalMet: boolean | null;
  /** The goal verdict (DESIGN §9): judged policy vs the best rule per family and overall; null without a judged policy and a rule. */
  readonly goal: Verdict | null;
  /** The whole judgement as text (tables per family, overall, real-price windows, verdict lines). */
  readonly goalText: string | null;
  /** The real-price windows judged ("file from start"), for the report. */
  readonly realWindows: string[];
  readonly paired: PairedRow[];
  readonly reference: string;
  /** Independent paired units (seeds) behind every interval. */
  readonly pairedUnits: number;
}

export { evalSeed };

export function heatmapOf(name: string): QHeatmap {
  const l = loadLearned(name);
  const space = createStateSpace(l.mdp.state);
  const q: number[][] = [];
  const visits: number[][] = [];
  const stateLabels: string[] = [];
  for (let s = 0; s < space.size; s++) {
    stateLabels.push(space.label(s));
    q.push(l.table.row(s));
    visits.push(Array.from(l.table.visits.subarray(s * l.table.nActions, (s + 1) * l.table.nActions)));
  }
  return { policy: name, stateLabels, actionLabels: l.mdp.actions.map(actionLabel), q, visits };
}

export async function evaluate(o: EvaluateOptions): Promise<EvaluateOutput> {
  if (o.policies.length === 0) throw new Error("evaluate needs at least one policy");
  if (!Number.isInteger(o.seeds) || o.seeds < 2) throw new Error(`evaluate needs at least 2 seeds for an interval, got ${o.seeds}`);
  const learned = o.policies.filter((p) => policyKind(p) === "file");
  for (const p of learned) loadLearned(p); // fail fast on a bad policy file, before spawning workers
  for (const p of o.policies.filter((q) => policyKind(q) === "family")) resolvePolicy(p); // and on a family's missing files (ensemble models)
  let cases: EvalCase[];
  let setLabel: string;
  if (o.source) {
    cases = o.source.cases;
    setLabel = o.source.label;
  } else {
    if (!o.set) throw new Error("evaluate needs a scenario source or a project set");
    const names = o.scenarios ?? listScenarios(o.set);
    cases = names.flatMap((n) => Array.from({ length: o.seeds }, (_, i) => ({ scenario: findScenario(n), seed: evalSeed(i) })));
    setLabel = `${o.set} (${names.join(", ")})`;
  }
  const units = new Set(cases.map((c) => c.seed)).size;
  if (units < 2) throw new Error(`evaluate needs at least 2 seeds for an interval, got ${units}`);
  const jobs: EvalJob[] = [];
  for (const policy of o.policies)
    cases.forEach((c, k) => jobs.push({ policy, scenario: c.scenario, seed: c.seed, wantTrace: k === 0 }));
  const replayCase = !o.replay
    ? undefined
    : o.source
      ? o.source.cases.find((c) => c.scenario.oracle.kind === "replay")
      : { scenario: findScenario(replayScenarios()[0]), seed: evalSeed(0) };
  const replayName = replayCase?.scenario.name;
  const replayJobs: EvalJob[] = replayCase ? o.policies.map((policy) => ({ policy, scenario: replayCase.scenario, seed: replayCase.seed, wantTrace: true })) : [];
  const all = [...jobs, ...replayJobs];
  let results: EvalJobResult[];
  if (o.threads <= 0) {
    results = all.map((j, k) => {
      const r = runEvalJob(j);
      o.onProgress?.(k + 1, all.length, r);
      return r;
    });
  } else {
    const entry = join(__dirname, `evalWorker${extname(__filename)}`);
    results = await runPool<EvalJob, EvalJobResult>(entry, all, { threads: o.threads, preload: policyFamilyModules(), onResult: (r, d, t) => o.onProgress?.(d, t, r) });
  }
  const episodes = results.slice(0, jobs.length);
  const replay = results.slice(jobs.length);
  const metrics = aggregateMetrics(episodes, o.policies);
  const judged = o.judged ?? learned[0];
  if (judged !== undefined && !o.policies.includes(judged)) throw new Error(`judged policy "${judged}" is not among the evaluated policies (${o.policies.join(", ")})`);
  const rules = o.policies.filter((p) => isBaseline(p) && p !== judged);
  const familyOf = familyLookup(cases.map((c) => c.scenario));
  const realWindows = [...new Set(cases.filter((c) => familyOf(c.scenario.name) === REAL_FAMILY).map((c) => windowLabel(c.scenario)))];
  const goal =
    judged !== undefined && rules.length > 0
      ? judgeGoal(episodes, { judged, rules, familyOf, familyOrder: FAMILIES })
      : null;
  const goalText = goal ? formatGoal(goal, REAL_FAMILY, realWindows) : null;
  const heatmap = learned.length > 0 ? heatmapOf(learned[0]) : null;
  const report: ReportData = {
    title: `dAMM keeper policies on ${setLabel.split(" ")[0]}`,
    generatedAt: new Date().toISOString(),
    scenarioSet: setLabel,
    seeds: units,
    policies: o.policies,
    metrics,
    rewardParts: aggregateRewardParts(episodes, o.policies),
    traces: episodes.filter((e) => e.trace).map((e) => e.trace!),
    replay: replay.filter((e) => e.trace).map((e) => e.trace!),
    replayName: replayName ?? "(no replay)",
    heatmap,
    trainingCurve: learned.length > 0 ? [...loadLearned(learned[0]).trainingCurve] : [],
    verdict: goalText ? goalText.split("\n") : ["no judged (learned) policy and rule evaluated together: no goal verdict"],
  };
  const reference = o.reference ?? (o.policies.includes("static") ? "static" : o.policies[0]);
  if (!o.policies.includes(reference)) throw new Error(`reference policy "${reference}" is not among the evaluated policies (${o.policies.join(", ")})`);
  const pairedMetrics: { key: EpisodeMetricKey; better: "higher" | "lower" }[] = [];
  for (const m of METRICS) if (m.key !== "cvar5NetRevenue" && m.better !== "none") pairedMetrics.push({ key: m.key, better: m.better });
  const paired = pairedComparison(episodes, reference, o.policies, pairedMetrics);
  return { report, episodes, goalMet: goal ? goal.met : null, goal, goalText, realWindows, paired, reference, pairedUnits: units };
}

function windowLabel(sc: EvalCase["scenario"]): string {
  const o = sc.oracle;
  return o.kind === "replay" ? `${o.file.split("/").pop()} from ${String(o.start)}` : sc.name;
}

export const defaultThreads = (): number => Math.max(1, cpus().length);
