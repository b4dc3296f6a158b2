/**
 * Per scenario family (`familyOf`: scenarioSource.familyLookup over the evaluated scenarios):
 * a policy's mean gap (`familyMeanGaps`, what policies/selection.json records), and a table of
 * every policy's mean net revenue / mean gap, and `subject − reference` net revenue paired over the
 * family's scenarios (mean [95 % t-interval]). Real-price windows are the "real" row.
 */
import type { EpisodeResult } from "./aggregate";
import { meanInterval } from "./stats";

/** `policy`'s mean of the episodes' mean |mark − oracle| (bps) per family, families in name order. */
export function familyMeanGaps(episodes: readonly EpisodeResult[], policy: string, familyOf: (scenario: string) => string): Record<string, number> {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const e of episodes) {
    if (e.policy !== policy) continue;
    const f = sums.get(familyOf(e.scenario)) ?? { sum: 0, n: 0 };
    sums.set(familyOf(e.scenario), { sum: f.sum + e.metrics.meanGapBps, n: f.n + 1 });
  }
  return Object.fromEntries([...sums].sort(([a], [b]) => a.localeCompare(b)).map(([f, { sum, n }]) => [f, sum / n]));
}

export function formatFamilyTable(episodes: readonly EpisodeResult[], policies: readonly string[], subject: string, reference: string, familyOf: (scenario: string) => string): string {
  const families = [...new Set(episodes.map((e) => familyOf(e.scenario)))].sort();
  const lines = [`| family | n | ${policies.join(" | ")} | ${subject} − ${reference} (paired) |`, `|---|---|${policies.map(() => "---").join("|")}|---|`];
  for (const fam of families) {
    const eps = episodes.filter((e) => familyOf(e.scenario) === fam);
    const of = (p: string) => eps.filter((e) => e.policy === p);
    const cells = policies.map((p) => {
      const xs = of(p);
      const rev = xs.reduce((a, e) => a + e.metrics.netRevenue, 0) / xs.length;
      const gap = xs.reduce((a, e) => a + e.metrics.meanGapBps, 0) / xs.length;
      return `${rev.toExponential(3)} / ${gap.toFixed(1)}`;
    });
    const ref = new Map(of(reference).map((e) => [`${e.scenario}:${e.seed}`, e.metrics.netRevenue]));
    const diffs = of(subject).map((e) => e.metrics.netRevenue - (ref.get(`${e.scenario}:${e.seed}`) ?? Number.NaN));
    const i = diffs.length > 1 ? meanInterval(diffs) : null;
    const d = i ? `${i.mean.toExponential(2)} [${i.lo.toExponential(2)}, ${i.hi.toExponential(2)}]` : diffs.length === 1 ? diffs[0].toExponential(2) : "—";
    lines.push(`| ${fam} | ${of(policies[0]).length} | ${cells.join(" | ")} | ${d} |`);
  }
  return lines.join("\n");
}
