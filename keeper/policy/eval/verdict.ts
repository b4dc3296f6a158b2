/**
 * The project goal, checked as stated: on the test set the learned policy's net revenue beats
 * every baseline with non-overlapping 95% intervals, at equal or lower mean |mark−oracle|;
 * ideally ≥ 1.2× the best baseline.
 */
import type { MetricBlock } from "../report/reportData";
import { fmtNum } from "../report/htmlReport";

export interface Verdict {
  readonly met: boolean;
  readonly lines: string[];
}

export function judge(blocks: readonly MetricBlock[], learned: string, baselines: readonly string[]): Verdict {
  const rev = blocks.find((b) => b.key === "netRevenue");
  const gap = blocks.find((b) => b.key === "meanGapBps");
  if (!rev || !gap) throw new Error("verdict needs the netRevenue and meanGapBps metrics");
  const L = rev.rows.find((r) => r.policy === learned);
  const Lg = gap.rows.find((r) => r.policy === learned);
  if (!L || !Lg) throw new Error(`verdict: no figures for the learned policy ${learned}`);
  const lines: string[] = [];
  let met = baselines.length > 0;
  let best = -Infinity;
  for (const b of baselines) {
    const B = rev.rows.find((r) => r.policy === b)!;
    const Bg = gap.rows.find((r) => r.policy === b)!;
    const above = L.lo > B.hi;
    const gapOk = Lg.mean <= Bg.mean;
    best = Math.max(best, B.mean);
    met = met && above && gapOk;
    lines.push(
      `${learned} vs ${b}: net revenue ${fmtNum(L.mean)} [${fmtNum(L.lo)}, ${fmtNum(L.hi)}] vs ${fmtNum(B.mean)} [${fmtNum(B.lo)}, ${fmtNum(B.hi)}] → ${above ? "above, intervals disjoint" : "NOT above with disjoint intervals"}; mean gap ${fmtNum(Lg.mean)} vs ${fmtNum(Bg.mean)} bps → ${gapOk ? "equal or lower" : "HIGHER"}`,
    );
  }
  if (baselines.length > 0) {
    const ratio = best > 0 ? L.mean / best : NaN;
    lines.push(`ratio of ${learned}'s mean net revenue to the best baseline's: ${Number.isFinite(ratio) ? ratio.toFixed(3) + "×" : "n/a (best baseline ≤ 0)"} (stretch goal 1.2×)`);
    lines.push(`GOAL ${met ? "MET" : "NOT MET"}: beat every baseline with disjoint 95% intervals at equal or lower mean |mark−oracle|`);
  }
  return { met, lines };
}
