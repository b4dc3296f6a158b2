/**
 * Paired comparisons against a reference policy (DESIGN §9): every policy ran on the same seeds
 * and the same paths, so the per-seed difference removes the scenario's own luck; the figure is
 * the mean difference with a Student-t 95 % interval over seeds.
 */
import type { EpisodeResult } from "./aggregate";
import type { EpisodeMetricKey } from "./metricSpec";
import { meanInterval } from "./stats";

export interface PairedRow {
  readonly policy: string;
  readonly reference: string;
  readonly metric: EpisodeMetricKey;
  readonly n: number;
  /** Mean over seeds of (policy − reference), with its 95 % interval. */
  readonly diff: number;
  readonly lo: number;
  readonly hi: number;
  /** "better", "worse" or "no difference" (interval contains 0), by the metric's direction. */
  readonly verdict: "better" | "worse" | "no difference";
}

function perSeed(results: readonly EpisodeResult[], policy: string, metric: EpisodeMetricKey): Map<number, number> {
  const sums = new Map<number, { s: number; n: number }>();
  for (const r of results) {
    if (r.policy !== policy) continue;
    const a = sums.get(r.seed) ?? { s: 0, n: 0 };
    a.s += r.metrics[metric];
    a.n++;
    sums.set(r.seed, a);
  }
  return new Map([...sums].map(([k, v]) => [k, v.s / v.n]));
}

export function pairedComparison(
  results: readonly EpisodeResult[],
  reference: string,
  policies: readonly string[],
  metrics: readonly { key: EpisodeMetricKey; better: "higher" | "lower" }[],
): PairedRow[] {
  const rows: PairedRow[] = [];
  for (const m of metrics) {
    const ref = perSeed(results, reference, m.key);
    if (ref.size === 0) throw new Error(`paired comparison: no episodes for the reference policy ${reference}`);
    for (const p of policies) {
      if (p === reference) continue;
      const mine = perSeed(results, p, m.key);
      const diffs: number[] = [];
      for (const [seed, v] of ref) {
        const w = mine.get(seed);
        if (w === undefined) throw new Error(`paired comparison: ${p} has no episode on seed ${seed} that ${reference} ran`);
        diffs.push(w - v);
      }
      const i = meanInterval(diffs);
      const above = i.lo > 0;
      const below = i.hi < 0;
      const verdict = !above && !below ? "no difference" : above === (m.better === "higher") ? "better" : "worse";
      rows.push({ policy: p, reference, metric: m.key, n: i.n, diff: i.mean, lo: i.lo, hi: i.hi, verdict });
    }
  }
  return rows;
}
