/**
 * The evaluation report's charts as uPlot specs (keeper/charts), built here in typed code so the
 * page only draws: per-policy mark vs oracle with the gap on its own axis (a week of a 2,000
 * price is otherwise two overlapping lines), downsampled with min/max buckets so spikes survive.
 */
import { MAX_CHART_POINTS, alignSeries, downsample } from "../../charts/chartData";
import type { ChartSpec } from "../../charts/chartSpec";
import type { PolicyTrace, ReportData } from "./reportData";

export interface TitledChart {
  readonly title?: string;
  readonly spec: ChartSpec;
}

export const POLICY_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
const colorOf = (i: number): string => POLICY_COLORS[i % POLICY_COLORS.length];
const REPEG_COLOR = "#d62728";
const K_COLOR = "#2ca02c";

export function gapBpsSeries(mark: readonly number[], oracle: readonly number[]): number[] {
  return mark.map((m, j) => (m / oracle[j] - 1) * 1e4);
}

function markOracleChart(tr: PolicyTrace, i: number): TitledChart {
  const ds = downsample(tr.t, [tr.oracle, tr.mark, gapBpsSeries(tr.mark, tr.oracle)], MAX_CHART_POINTS);
  return {
    title: `${tr.policy} — ${tr.scenario} (seed ${tr.seed}), ${tr.updates.length} updates`,
    spec: {
      xLabel: "hours",
      yLabel: "price",
      y2Label: "gap (bps)",
      x: ds.x,
      series: [
        { label: "oracle", color: "#555555", values: ds.series[0], dash: true },
        { label: "mark", color: colorOf(i), values: ds.series[1] },
        { label: "mark − oracle (bps)", color: "#bbbbbb", values: ds.series[2], axis: "right", width: 1 },
      ],
      markers: tr.updates.map((u) => ({ x: u.t, color: u.kind === "repeg" ? REPEG_COLOR : K_COLOR, label: u.kind })),
      height: 280,
      syncKey: "traces",
    },
  };
}

function perPolicyChart(traces: readonly PolicyTrace[], pick: (t: PolicyTrace) => readonly number[], yLabel: string, syncKey?: string): ChartSpec {
  const aligned = alignSeries(traces.map((t) => ({ x: t.t, y: pick(t) })));
  const ds = downsample(aligned.x, aligned.series, MAX_CHART_POINTS);
  return {
    xLabel: "hours",
    yLabel,
    x: ds.x,
    series: traces.map((t, i) => ({ label: t.policy, color: colorOf(i), values: ds.series[i] })),
    ...(syncKey ? { syncKey } : {}),
  };
}

/** Reward parts: one category per part, each policy a point with its 95 % interval as a whisker. */
function rewardPartsChart(d: ReportData): ChartSpec {
  const names = d.rewardParts.length ? Object.keys(d.rewardParts[0].parts) : [];
  const n = d.rewardParts.length;
  const offset = (j: number): number => (n <= 1 ? 0 : (j - (n - 1) / 2) * (0.7 / n));
  const xs: number[] = [];
  names.forEach((_p, i) => d.rewardParts.forEach((_r, j) => xs.push(i + offset(j))));
  const x = [...xs].sort((a, b) => a - b);
  const at = new Map(x.map((v, k) => [v, k]));
  const series = d.rewardParts.map((r, j) => {
    const values: (number | null)[] = new Array<number | null>(x.length).fill(null);
    const lo = [...values];
    const hi = [...values];
    names.forEach((p, i) => {
      const k = at.get(i + offset(j))!;
      values[k] = r.parts[p].mean;
      lo[k] = r.parts[p].lo;
      hi[k] = r.parts[p].hi;
    });
    return { label: r.policy, color: colorOf(j), values, points: { lo, hi } };
  });
  return { xLabel: "reward part", yLabel: "per episode (tracking: bps·steps)", x, series, categories: names, height: 300 };
}

/** Every chart of the report by its container key (the heatmap is drawn apart: it is a table, not a plot). */
export function reportCharts(d: ReportData): Record<string, TitledChart[]> {
  const curve = d.trainingCurve;
  return {
    "mark-oracle": d.traces.map(markOracleChart),
    imbalance: [{ spec: perPolicyChart(d.traces, (t) => t.imbalance, "(long − short) / total OI", "traces") }],
    budget: [{ spec: perPolicyChart(d.traces, (t) => t.budget, "budget (quote)", "traces") }],
    "reward-parts": [{ spec: rewardPartsChart(d) }],
    replay: [
      { title: "cumulative net revenue", spec: perPolicyChart(d.replay, (t) => t.cumNetRevenue, "cumulative net revenue", "replay") },
      { title: "mark − oracle", spec: perPolicyChart(d.replay, (t) => gapBpsSeries(t.mark, t.oracle), "mark / oracle − 1 (bps)", "replay") },
    ],
    "training-curve": curve.length
      ? [
          {
            spec: {
              xLabel: "episode",
              yLabel: "episode reward",
              y2Label: "ε",
              x: curve.map((p) => p.episode),
              series: [
                { label: "reward", color: colorOf(0), values: curve.map((p) => p.reward) },
                { label: "ε (exploration)", color: "#9467bd", values: curve.map((p) => p.epsilon), axis: "right" },
              ],
            },
          },
        ]
      : [],
  };
}
