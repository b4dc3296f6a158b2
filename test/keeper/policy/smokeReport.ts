/**
 * Report data for the browser test, built through the real aggregation, verdict and heatmap code
 * from a small deterministic set of episodes (no simulator run, so the test stays fast).
 */
import { aggregateMetrics, aggregateRewardParts, type EpisodeResult } from "../../../keeper/policy/eval/aggregate";
import { formatGoal, judgeGoal } from "../../../keeper/policy/eval/verdict";
import { actionLabel, DEFAULT_MDP } from "../../../keeper/policy/mdpConfig";
import { createStateSpace } from "../../../keeper/policy/stateIndex";
import { createRng } from "../../../keeper/policy/rng";
import type { PolicyTrace, ReportData } from "../../../keeper/policy/report/reportData";

const POLICIES = ["default", "static", "formulaic", "threshold"];

function trace(policy: string, k: number, scenario: string): PolicyTrace {
  const rng = createRng(k + 1);
  const t: number[] = [], mark: number[] = [], oracle: number[] = [], imbalance: number[] = [], budget: number[] = [], cum: number[] = [];
  let o = 100, m = 100, b = 1000, c = 0;
  const updates: { t: number; kind: string }[] = [];
  for (let i = 0; i < 200; i++) {
    o *= 1 + (rng.next() - 0.5) * 0.01;
    m += (o - m) * 0.3;
    if (i % 25 === 0 && policy !== "static") {
      m = o;
      updates.push({ t: i / 4, kind: i % 50 === 0 ? "repeg" : "kUp" });
    }
    b += rng.next() - 0.4;
    c += rng.next() - 0.3;
    t.push(i / 4);
    mark.push(m);
    oracle.push(o);
    imbalance.push(Math.sin(i / 20) * 0.3);
    budget.push(b);
    cum.push(c);
  }
  return { policy, scenario, seed: 0, t, mark, oracle, imbalance, budget, cumNetRevenue: cum, updates };
}

export async function buildSmokeReport(): Promise<ReportData> {
  const episodes: EpisodeResult[] = [];
  POLICIES.forEach((policy, k) => {
    for (let seed = 0; seed < 4; seed++)
      for (const scenario of ["a", "b"]) {
        const x = k * 10 + seed + (scenario === "a" ? 0 : 3);
        episodes.push({
          policy,
          scenario,
          seed,
          metrics: { netRevenue: 100 + x, meanGapBps: 5 + k, p95GapBps: 20 + k, informedProfit: 10, sandwichTake: 0, hunterTake: 0, uninformedLoss: 12, volume: 1e6 + x, updates: 3 * k, gasSpent: 6 * k, worstDrawdown: 4 },
          rewardParts: { netRevenue: 50 + x - k, trackingBps: 300, drawdownIncrease: k * 2 },
        });
      }
  });
  const metrics = aggregateMetrics(episodes, POLICIES);
  const space = createStateSpace(DEFAULT_MDP.state);
  const rng = createRng(9);
  const q = Array.from({ length: space.size }, () => DEFAULT_MDP.actions.map(() => rng.next() * 20 - 10));
  const visits = Array.from({ length: space.size }, (_, s) => DEFAULT_MDP.actions.map((_a, a) => (s + a) % 4 === 0 ? 0 : s * a));
  return {
    title: "smoke report",
    generatedAt: new Date(0).toISOString(),
    scenarioSet: "test (a, b)",
    seeds: 4,
    policies: POLICIES,
    metrics,
    rewardParts: aggregateRewardParts(episodes, POLICIES),
    traces: POLICIES.map((p, k) => trace(p, k, "a")),
    replay: POLICIES.map((p, k) => trace(p, k + 10, "replay-sol")),
    replayName: "replay-sol <script>alert(1)</script>",
    heatmap: { policy: "default", stateLabels: Array.from({ length: space.size }, (_, s) => space.label(s)), actionLabels: DEFAULT_MDP.actions.map(actionLabel), q, visits },
    trainingCurve: Array.from({ length: 50 }, (_, i) => ({ episode: i * 5, reward: Math.log(i + 1), epsilon: Math.pow(0.95, i) })),
    verdict: formatGoal(judgeGoal(episodes, { judged: "default", rules: ["static", "formulaic", "threshold"], familyOf: (s) => (s === "a" ? "gbm" : "real") }), "real").split("\n"),
  };
}
