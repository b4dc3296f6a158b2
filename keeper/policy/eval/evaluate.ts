/**
 * Evaluates policies on a scenario set × seeds across worker threads and assembles the report
 * data (metrics with 95% intervals, reward parts, traces, replay of a real price series,
 * Q-table heatmap, verdict on the project goal).
 */
import { cpus } from "node:os";
import { extname, join } from "node:path";
import { actionLabel } from "../mdpConfig";
import { isBaseline, loadLearned, resolvePolicy } from "../policyRegistry";
import { isEnsembleSpec } from "../../supervised/ensembleSpec";
import { createStateSpace } from "../stateIndex";
import { listScenarios, replayScenarios, type ScenarioSet } from "../simAdapter";
import { deriveSeed } from "../rng";
import type { QHeatmap, ReportData } from "../report/reportData";
import { aggregateMetrics, aggregateRewardParts } from "./aggregate";
import type { EvalJob, EvalJobResult } from "./evalJob";
import { runEvalJob } from "./evalJob";
import { judge } from "./verdict";
import { runPool } from "./workerPool";

export interface EvaluateOptions {
  readonly policies: readonly string[];
  readonly set: ScenarioSet;
  readonly seeds: number;
  /** Worker threads; 0 runs in-process (tests). */
  readonly threads: number;
  /** Restrict to these scenario names (default: the whole set). */
  readonly scenarios?: readonly string[];
  /** Include the replay of a real price series. */
  readonly replay: boolean;
  readonly onProgress?: (done: number, total: number, last: EvalJobResult) => void;
}

export interface EvaluateOutput {
  readonly report: ReportData;
  readonly episodes: readonly EvalJobResult[];
  readonly goalMet: boolean | null;
}

export const evalSeed = (i: number): number => deriveSeed(0xe7a1, i);

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
  const learned = o.policies.filter((p) => !isBaseline(p) && !isEnsembleSpec(p));
  for (const p of learned) loadLearned(p); // fail fast on a bad policy file, before spawning workers
  for (const p of o.policies.filter(isEnsembleSpec)) resolvePolicy(p); // and on missing ensemble models
  const scenarios = o.scenarios ?? listScenarios(o.set);
  const jobs: EvalJob[] = [];
  for (const policy of o.policies)
    for (const scenario of scenarios)
      for (let i = 0; i < o.seeds; i++) jobs.push({ policy, scenario, seed: evalSeed(i), wantTrace: scenario === scenarios[0] && i === 0 });
  const replayName = o.replay ? replayScenarios()[0] : undefined;
  const replayJobs: EvalJob[] = replayName ? o.policies.map((policy) => ({ policy, scenario: replayName, seed: evalSeed(0), wantTrace: true })) : [];
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
    results = await runPool<EvalJob, EvalJobResult>(entry, all, { threads: o.threads, onResult: (r, d, t) => o.onProgress?.(d, t, r) });
  }
  const episodes = results.slice(0, jobs.length);
  const replay = results.slice(jobs.length);
  const metrics = aggregateMetrics(episodes, o.policies);
  const baselines = o.policies.filter(isBaseline);
  const verdict = learned.length > 0 ? judge(metrics, learned[0], baselines) : null;
  const heatmap = learned.length > 0 ? heatmapOf(learned[0]) : null;
  const report: ReportData = {
    title: `dAMM keeper policies on the ${o.set} set`,
    generatedAt: new Date().toISOString(),
    scenarioSet: `${o.set} (${scenarios.join(", ")})`,
    seeds: o.seeds,
    policies: o.policies,
    metrics,
    rewardParts: aggregateRewardParts(episodes, o.policies),
    traces: episodes.filter((e) => e.trace).map((e) => e.trace!),
    replay: replay.filter((e) => e.trace).map((e) => e.trace!),
    replayName: replayName ?? "(no replay)",
    heatmap,
    trainingCurve: learned.length > 0 ? [...loadLearned(learned[0]).trainingCurve] : [],
    verdict: verdict?.lines ?? ["no learned policy evaluated"],
  };
  return { report, episodes, goalMet: verdict ? verdict.met : null };
}

export const defaultThreads = (): number => Math.max(1, cpus().length);
