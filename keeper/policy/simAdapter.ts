/**
 * Thin adapter from keeper/sim (MarketEnv, runEpisode, scenario files) to what the policy code
 * needs: the env port for training, one evaluation episode as DESIGN §9 metrics + reward parts +
 * a chart trace, and the scenario lists. Nothing here changes the simulator.
 */
import type { Policy } from "../core/policyTypes";
import { MarketEnv } from "../sim/env";
import { runEpisode } from "../sim/episode";
import { loadScenarioSet, type Scenario } from "../sim/scenario";
import type { EnvFactory, PolicyEnv } from "./training/envPort";
import type { EpisodeMetrics } from "./eval/metricSpec";
import type { RewardParts } from "./reward";
import type { PolicyTrace } from "./report/reportData";
import { REPO_ROOT } from "./policyRegistry";

export type ScenarioSet = "train" | "test";

export function parseScenarioSet(s: string): ScenarioSet {
  if (s !== "train" && s !== "test") throw new Error(`scenario set must be "train" or "test", got "${s}"`);
  return s;
}

const sets = new Map<ScenarioSet, Scenario[]>();
function scenariosOf(set: ScenarioSet): Scenario[] {
  let s = sets.get(set);
  if (!s) {
    s = loadScenarioSet(set, REPO_ROOT);
    if (s.length === 0) throw new Error(`no scenarios under scenarios/${set}/`);
    sets.set(set, s);
  }
  return s;
}

export function findScenario(name: string): Scenario {
  for (const set of ["train", "test"] as const) {
    const hit = scenariosOf(set).find((s) => s.name === name);
    if (hit) return hit;
  }
  throw new Error(`unknown scenario "${name}" (not under scenarios/train or scenarios/test)`);
}

export function listScenarios(set: ScenarioSet): string[] {
  return scenariosOf(set).map((s) => s.name);
}

/** Held-out scenarios that replay a real price series from data/prices/. */
export function replayScenarios(): string[] {
  const r = scenariosOf("test").filter((s) => s.oracle.kind === "replay");
  if (r.length === 0) throw new Error("no replay scenario in scenarios/test/ (oracle.kind \"replay\")");
  return r.map((s) => s.name);
}

/** The sim's per-step parts mapped onto the policy's reward parts. */
function partsOf(p: import("../sim/env").RewardParts, sc: Scenario, gapNow: number): RewardParts {
  const coef = sc.reward.trackingPenaltyCoef;
  return {
    feeInflow: p.feeInflow,
    fundingReceived: p.fundingReceived,
    adjustmentCost: p.adjustmentCost,
    fundingPaid: p.fundingPaid,
    gasCost: p.gasCost,
    badDebt: p.badDebt,
    // Mean |gap| over the interval when the sim prices it; the end-of-step gap otherwise.
    trackingErrorBps: coef > 0 ? (p.trackingPenalty / coef) * 1e4 : gapNow,
  };
}

/**
 * Episodes of one training run are sequential, so they share one MarketEnv (reset rebuilds its
 * market); a PolicyEnv is only valid until the factory builds the next one.
 */
export function makeEnvFactory(): EnvFactory {
  const env = new MarketEnv({ projectRoot: REPO_ROOT });
  return (name: string, seed: number): PolicyEnv => {
    const sc = findScenario(name);
    let sqrtK = 0;
    return {
      reset: () => {
        const obs = env.reset(sc, seed);
        sqrtK = obs.sqrtK;
        return obs;
      },
      step: (action) => {
        const r = env.step(action);
        const gapNow = Math.abs(r.obs.mark / r.obs.oracle - 1) * 1e4;
        const depthChangeBps = Math.log(r.obs.sqrtK / sqrtK) * 1e4;
        sqrtK = r.obs.sqrtK;
        return { obs: r.obs, parts: { ...partsOf(r.rewardParts, sc, gapNow), depthChangeBps }, done: r.done, terminal: false };
      },
    };
  };
}

export interface EvalEpisode {
  readonly metrics: EpisodeMetrics;
  readonly rewardParts: RewardParts;
  readonly trace: Omit<PolicyTrace, "policy"> | null;
}

const finite = (xs: readonly number[]): number[] => xs.map((v) => (Number.isFinite(v) ? v : 0));

export function runEvalEpisode(name: string, policy: Policy, seed: number, wantTrace: boolean): EvalEpisode {
  return runScenarioEpisode(findScenario(name), policy, seed, wantTrace);
}

/** One evaluation episode of a scenario given whole (generated or a user's file). */
export function runScenarioEpisode(sc: Scenario, policy: Policy, seed: number, wantTrace: boolean): EvalEpisode {
  const name = sc.name;
  const { metrics: m, trace } = runEpisode(sc, policy, seed, { projectRoot: REPO_ROOT, trace: wantTrace, traceMaxPoints: 400 });
  const metrics: EpisodeMetrics = {
    netRevenue: m.protocolNetRevenue,
    meanGapBps: m.meanGapBps,
    p95GapBps: m.p95GapBps,
    informedProfit: m.informedProfit,
    sandwichTake: m.sandwichTake,
    hunterTake: m.hunterTake,
    uninformedLoss: m.uninformedLoss,
    volume: m.volume,
    updates: m.updates,
    gasSpent: m.gasSpent,
    worstDrawdown: m.worstBudgetDrawdown,
  };
  const rewardParts: RewardParts = {
    feeInflow: m.feesToBudget,
    fundingReceived: m.fundingReceived,
    adjustmentCost: m.adjustmentCost,
    fundingPaid: m.fundingPaid,
    gasCost: m.gasSpent,
    badDebt: m.badDebt,
    trackingErrorBps: m.meanGapBps,
  };
  if (!wantTrace) return { metrics, rewardParts, trace: null };
  const hours = (t: number) => (t - sc.startTime) / 3600;
  let cum = 0;
  const cumNetRevenue = trace.time.map((_, i) => {
    const p = trace.rewardParts;
    cum += p.feeInflow[i] + p.fundingReceived[i] - p.adjustmentCost[i] - p.fundingPaid[i] - p.badDebt[i];
    return cum;
  });
  return {
    metrics,
    rewardParts,
    trace: {
      scenario: name,
      seed,
      t: trace.time.map(hours),
      mark: finite(trace.mark),
      oracle: finite(trace.oracle),
      imbalance: finite(trace.imbalance.map((d, i) => d / trace.sqrtK[i])),
      budget: finite(trace.budget),
      cumNetRevenue: finite(cumNetRevenue),
      updates: trace.markers.map((u) => ({ t: hours(u.time), kind: u.kind === "repeg" ? "repeg" : u.kind })),
    },
  };
}
