/** One evaluation episode (a worker's unit of work): policy × scenario × seed. */
import type { Policy } from "../../core/policyTypes";
import type { Scenario } from "../../sim/scenario";
import { resolvePolicy } from "../policyRegistry";
import { runScenarioEpisode } from "../simAdapter";
import type { PolicyTrace } from "../report/reportData";
import type { EpisodeResult } from "./aggregate";

export interface EvalJob {
  readonly policy: string;
  /** The whole scenario (generated, a user's file or a project file): workers need no lookup. */
  readonly scenario: Scenario;
  readonly seed: number;
  /** Keep a (downsampled) trace for the report. */
  readonly wantTrace: boolean;
}

export interface EvalJobResult extends EpisodeResult {
  readonly trace: PolicyTrace | null;
  readonly seconds: number;
}

const cache = new Map<string, Policy>();

export function runEvalJob(job: EvalJob): EvalJobResult {
  let policy = cache.get(job.policy);
  if (!policy) {
    policy = resolvePolicy(job.policy);
    cache.set(job.policy, policy);
  }
  const t0 = process.hrtime.bigint();
  const r = runScenarioEpisode(job.scenario, policy, job.seed, job.wantTrace);
  return {
    policy: job.policy,
    scenario: job.scenario.name,
    seed: job.seed,
    metrics: r.metrics,
    rewardParts: r.rewardParts,
    trace: r.trace ? { ...r.trace, policy: job.policy } : null,
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
  };
}
