/**
 * Training at scale (issue 16): tabular Q-learning over generated train scenarios (a fresh
 * scenario every episode, adversaries as generated: the sandwich bot is on) on worker threads.
 *
 * Why merged tables rather than shared replay: a simulated step costs ~2 ms of trader events and a
 * TD update nanoseconds, so the threads must each run their own simulator; a worker that learns
 * online from its own episodes needs no traffic per step. Every round, each worker starts from the
 * same merged table, plays its share of the round's episodes (learning online plus replay of its
 * own buffer, kept between rounds), and the tables are merged entry by entry, weighted by the
 * visits each worker made (mergeTables.ts). Synchronous rounds keep a run reproducible from its
 * seed and thread count. Between rounds the merged greedy policy is scored on validation
 * scenarios (the learning curve) while the workers play the next round.
 */
import { extname, join } from "node:path";
import type { MdpConfig } from "../mdpConfig";
import { QTable } from "../qTable";
import { QPolicy } from "../qPolicy";
import { buildPolicyFile, type PolicyFile } from "../policyFile";
import { deriveSeed } from "../rng";
import { createStateSpace } from "../stateIndex";
import { runScenarioEpisode, generatedScenarioNames, trainingScenario } from "../simAdapter";
import { WorkerSet } from "../eval/workerPool";
import { mergeTables, type TableState } from "./mergeTables";
import { freezeRuleActions } from "../ruleActions";
import type { TrainConfig } from "./trainConfig";

export type WorkerJob =
  | { kind: "init"; mdp: MdpConfig; config: Pick<TrainConfig, "seed" | "learner" | "replay">; stream: number }
  | { kind: "round"; q: Float64Array; visits: Uint32Array; episodes: { episode: number; scenario: string; seed: number }[] };

export type WorkerAnswer =
  | { kind: "ready" }
  | { kind: "round"; q: Float64Array; visits: Uint32Array; steps: number; reward: number; episodes: number; epsilon: number };

export interface CurvePoint {
  readonly round: number;
  readonly episodes: number;
  readonly steps: number;
  readonly seconds: number;
  readonly epsilon: number;
  /** Mean training reward per episode in the round. */
  readonly trainReward: number;
  /** Greedy merged policy on the validation scenarios: mean protocol net revenue and mean |gap|. */
  readonly validationNetRevenue: number;
  readonly validationMeanGapBps: number;
}

export interface ParallelTrainArgs {
  readonly name: string;
  readonly mdp: MdpConfig;
  readonly config: TrainConfig;
  readonly threads: number;
  readonly rounds: number;
  /** Generated train scenarios start at index seed · 100,000 (disjoint per training seed). */
  readonly scenarioStride?: number;
  /** Validation scenarios scored after every round (0: no curve). */
  readonly curveScenarios: number;
  readonly command?: string;
  readonly onRound?: (p: CurvePoint) => void;
}

export interface ParallelTrainResult {
  readonly file: PolicyFile;
  readonly totalSteps: number;
  readonly seconds: number;
  readonly curve: readonly CurvePoint[];
}

export const SCENARIO_STRIDE = 100_000;

export async function trainParallel(a: ParallelTrainArgs): Promise<ParallelTrainResult> {
  const { config } = a;
  // Rule actions carry their complete options from here on (the policy file stores them).
  const mdp = freezeRuleActions(a.mdp);
  if (!Number.isInteger(a.rounds) || a.rounds < 1) throw new Error(`rounds must be a positive integer, got ${a.rounds}`);
  const stride = a.scenarioStride ?? SCENARIO_STRIDE;
  const from = config.seed * stride;
  const names = generatedScenarioNames("train", config.episodes, from);
  const space = createStateSpace(mdp.state);
  const n = space.size * mdp.actions.length;
  let table: TableState = { q: new Float64Array(n).fill(config.learner.initialQ), visits: new Uint32Array(n) };
  const validation = a.curveScenarios > 0 ? generatedScenarioNames("validation", a.curveScenarios).map(trainingScenario) : [];
  const entry = join(__dirname, `trainWorker${extname(__filename)}`);
  const workers = new WorkerSet<WorkerJob, WorkerAnswer>(entry, a.threads);
  const curve: CurvePoint[] = [];
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  let totalSteps = 0;
  try {
    await Promise.all(Array.from({ length: workers.size }, (_, w) => workers.run(w, { kind: "init", mdp, config, stream: w })));
    const perRound = Math.ceil(config.episodes / a.rounds);
    // The previous round's merged table is scored on validation while the workers play this one.
    let unscored: { round: number; episodes: number; steps: number; epsilon: number; trainReward: number; table: TableState } | null = null;
    const score = (u: NonNullable<typeof unscored>): void => {
      const point: CurvePoint = { round: u.round, episodes: u.episodes, steps: u.steps, seconds: since(), epsilon: u.epsilon, trainReward: u.trainReward, ...scoreOnValidation(a.name, mdp, u.table, validation) };
      curve.push(point);
      a.onRound?.(point);
    };
    for (let r = 0; r < a.rounds; r++) {
      const lo = r * perRound;
      const hi = Math.min(config.episodes, lo + perRound);
      if (lo >= hi) break;
      const shares = Array.from({ length: workers.size }, () => [] as { episode: number; scenario: string; seed: number }[]);
      for (let e = lo; e < hi; e++) shares[e % workers.size].push({ episode: e, scenario: names[e], seed: deriveSeed(config.seed, e + 1) });
      const start = table;
      const launched = Promise.all(shares.map((eps, w) => workers.run(w, { kind: "round", q: start.q, visits: start.visits, episodes: eps })));
      if (unscored) score(unscored);
      const answers = (await launched) as Extract<WorkerAnswer, { kind: "round" }>[];
      table = mergeTables(start, answers);
      const steps = answers.reduce((s, x) => s + x.steps, 0);
      totalSteps += steps;
      const eps = answers.reduce((s, x) => s + x.episodes, 0);
      unscored = { round: r, episodes: hi, steps: totalSteps, epsilon: answers[0].epsilon, trainReward: answers.reduce((s, x) => s + x.reward, 0) / eps, table };
    }
    if (unscored) score(unscored);
  } finally {
    await workers.close();
  }
  const seconds = since();
  const file = buildPolicyFile({
    name: a.name,
    mdp,
    table: new QTable(space.size, mdp.actions.length, table.q, table.visits),
    training: {
      ...config,
      scenarioSet: "train (generated)",
      scenarios: `${names[0]} … ${names[names.length - 1]} (${names.length}, indices ${from}–${from + names.length - 1})`,
      threads: a.threads,
      rounds: a.rounds,
      totalSteps,
      validationCurve: curve,
      ...(a.command ? { command: a.command } : {}),
    },
    trainingCurve: curve.map((p) => ({ episode: p.episodes - 1, reward: p.trainReward, epsilon: p.epsilon })),
  });
  return { file, totalSteps, seconds, curve };
}

function scoreOnValidation(name: string, mdp: MdpConfig, t: TableState, scenarios: readonly import("../../sim/scenario").Scenario[]): { validationNetRevenue: number; validationMeanGapBps: number } {
  if (scenarios.length === 0) return { validationNetRevenue: Number.NaN, validationMeanGapBps: Number.NaN };
  const space = createStateSpace(mdp.state);
  const policy = new QPolicy({ name, mdp, table: new QTable(space.size, mdp.actions.length, new Float64Array(t.q), new Uint32Array(t.visits)), training: {}, trainingCurve: [], checksum: "" });
  let rev = 0;
  let gap = 0;
  for (const sc of scenarios) {
    const m = runScenarioEpisode(sc, policy, sc.seed, false).metrics;
    rev += m.netRevenue;
    gap += m.meanGapBps;
  }
  return { validationNetRevenue: rev / scenarios.length, validationMeanGapBps: gap / scenarios.length };
}
