/**
 * Turns episode results into DESIGN §9 figures: for each policy and seed, the mean over the
 * scenarios; then a t-interval over seeds. CVaR 5% of per-episode net revenue is taken per seed
 * over its scenarios' episodes, then given the same interval over seeds; with one episode per seed
 * (generated splits) it is the CVaR over all episodes, without an interval.
 */
import type { MetricBlock, MetricRow } from "../report/reportData";
import { METRICS, type EpisodeMetrics } from "./metricSpec";
import { cvar, meanInterval } from "./stats";
import type { RewardParts } from "../reward";

export interface EpisodeResult {
  readonly policy: string;
  readonly scenario: string;
  readonly seed: number;
  readonly metrics: EpisodeMetrics;
  /** Reward parts summed over the episode. */
  readonly rewardParts: RewardParts;
}

function bySeed(results: readonly EpisodeResult[], policy: string): Map<number, EpisodeResult[]> {
  const m = new Map<number, EpisodeResult[]>();
  for (const r of results) {
    if (r.policy !== policy) continue;
    const list = m.get(r.seed) ?? [];
    list.push(r);
    m.set(r.seed, list);
  }
  return m;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function row(policy: string, xs: readonly number[]): MetricRow {
  const i = meanInterval(xs);
  return { policy, mean: i.mean, lo: i.lo, hi: i.hi };
}

export function aggregateMetrics(results: readonly EpisodeResult[], policies: readonly string[]): MetricBlock[] {
  return METRICS.map((m) => ({
    key: m.key,
    label: m.label,
    better: m.better,
    rows: policies.map((p) => {
      const seeds = [...bySeed(results, p).values()];
      if (seeds.length === 0) throw new Error(`no episodes for policy ${p}`);
      // One episode per seed (generated splits): CVaR is taken over all episodes, a point figure.
      if (m.key === "cvar5NetRevenue" && seeds.every((eps) => eps.length === 1)) {
        const v = cvar(seeds.map((eps) => eps[0].metrics.netRevenue), 0.05);
        return { policy: p, mean: v, lo: v, hi: v };
      }
      const perSeed = seeds.map((eps) =>
        m.key === "cvar5NetRevenue" ? cvar(eps.map((e) => e.metrics.netRevenue), 0.05) : mean(eps.map((e) => e.metrics[m.key])),
      );
      return row(p, perSeed);
    }),
  }));
}

export function aggregateRewardParts(results: readonly EpisodeResult[], policies: readonly string[]): { policy: string; parts: Record<string, MetricRow> }[] {
  return policies.map((p) => {
    const seeds = [...bySeed(results, p).values()];
    const keys = Object.keys(seeds[0][0].rewardParts) as (keyof RewardParts)[];
    const parts: Record<string, MetricRow> = {};
    for (const k of keys) parts[k] = row(p, seeds.map((eps) => mean(eps.map((e) => e.rewardParts[k] ?? 0))));
    return { policy: p, parts };
  });
}
