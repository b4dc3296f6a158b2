/**
 * Thin adapter from keeper/sim (MarketEnv, runEpisode, scenario files) to what the policy code
 * needs: the env port for training, one evaluation episode as DESIGN §9 metrics + reward parts +
 * a chart trace, and the scenario lists. Nothing here changes the simulator.
 */
import type { Policy } from "../core/policyTypes";
import { MarketEnv } from "../sim/env";
import { runEpisode } from "../sim/episode";
import { loadScenarioSet, type Scenario } from "../sim/scenario";
import { generateScenario, seedOf } from "../sim/scenarios/generator";
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

/** The sim's per-step report mapped onto the reward's parts (keeper/policy/reward.ts). */
function partsOf(p: import("../sim/env").RewardParts): RewardParts {
  return { netRevenue: p.netRevenue, trackingBps: p.trackingBps, drawdownIncrease: p.drawdownIncrease };
}

/** A scenario name training accepts: a project file's name or a generated one ("train-17-gbm"). */
export function trainingScenario(name: string): Scenario {
  const m = /^(train|validation)-(\d+)-[a-z-]+$/.exec(name);
  if (m) {
    const sc = generateScenario(seedOf(m[1] as "train" | "validation", Number(m[2])));
    if (sc.name !== name) throw new Error(`generated scenario ${m[1]} #${m[2]} is "${sc.name}", not "${name}"`);
    return sc;
  }
  return findScenario(name);
}

/** Names of the generated scenarios `from … from+count−1` of a split (train or validation). */
export function generatedScenarioNames(split: "train" | "validation", count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => generateScenario(seedOf(split, from + i)).name);
}

/**
 * Episodes of one training run are sequential, so they share one MarketEnv (reset rebuilds its
 * market); a PolicyEnv is only valid until the factory builds the next one.
 */
export function makeEnvFactory(): EnvFactory {
  const env = new MarketEnv({ projectRoot: REPO_ROOT });
  return (name: string, seed: number): PolicyEnv => {
    const sc = trainingScenario(name);
    return {
      reset: () => env.reset(sc, seed),
      step: (action) => {
        const r = env.step(action);
        return { obs: r.obs, parts: partsOf(r.rewardParts), done: r.done, terminal: false };
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
  // The episode's summed parts (mean gap × steps ≈ the sum of the steps' mean gaps).
  const rewardParts: RewardParts = { netRevenue: m.protocolNetRevenue, trackingBps: m.meanGapBps * m.steps, drawdownIncrease: m.worstBudgetDrawdown };
  if (!wantTrace) return { metrics, rewardParts, trace: null };
  const hours = (t: number) => (t - sc.startTime) / 3600;
  let cum = 0;
  const cumNetRevenue = trace.time.map((_, i) => {
    const p = trace.rewardParts;
    cum += p.netRevenue[i];
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
