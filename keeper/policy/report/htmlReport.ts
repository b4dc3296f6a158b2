/** Self-contained HTML report: chart specs as inline JSON, drawn by inlined uPlot, no network. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ReportData } from "./reportData";
import { CLIENT_SCRIPT } from "./clientScript";
import { chartAssetsHtml, inlineJson } from "../../charts/chartAssets";
import { reportCharts } from "./reportCharts";

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function fmtNum(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e6 || a < 1e-3) return v.toExponential(3);
  if (a >= 100) return v.toFixed(1);
  return v.toPrecision(4);
}

function metricsTableHtml(d: ReportData): string {
  const head = `<tr><th>metric</th>${d.policies.map((p) => `<th>${esc(p)}</th>`).join("")}</tr>`;
  const rows = d.metrics
    .map((m) => {
      const cells = d.policies.map((p) => {
        const r = m.rows.find((x) => x.policy === p);
        return r ? `<td>${fmtNum(r.mean)} <span class="ci">[${fmtNum(r.lo)}, ${fmtNum(r.hi)}]</span></td>` : "<td>–</td>";
      });
      return `<tr><td>${esc(m.label)}${m.better === "none" ? "" : ` <span class="ci">(${m.better} is better)</span>`}</td>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<table class="metrics">${head}\n${rows}</table>`;
}

const CHARTS: readonly [string, string][] = [
  ["mark-oracle", "Mark vs oracle over time, gap in grey on the right axis (ticks: red = repeg, green = k update; drag to zoom, double-click to reset)"],
  ["imbalance", "Imbalance over time"],
  ["budget", "Adjustment budget over time"],
  ["reward-parts", "Reward parts per episode (mean with 95% interval)"],
  ["q-heatmap", "Learned Q-table: state × action (cell text = visits; outlined = greedy action)"],
  ["replay", "Replay of a real price series"],
  ["training-curve", "Training curve"],
];

export function renderReportHtml(d: ReportData): string {
  const json = inlineJson({ heatmap: d.heatmap, charts: reportCharts(d) });
  const charts = CHARTS.map(
    ([key, title]) =>
      `<section><h2>${esc(title)}${key === "replay" ? ` — ${esc(d.replayName)}` : ""}</h2><div class="chart" data-chart="${key}"></div></section>`,
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
table.metrics{border-collapse:collapse;font-size:13px}
table.metrics td,table.metrics th{border:1px solid #ccc;padding:3px 8px;text-align:right}
table.metrics td:first-child{text-align:left}
.ci{color:#777;font-size:11px}
.chart{margin:8px 0 24px}
h4{margin:6px 0 0;font-weight:500}
.sub{margin-bottom:14px}
pre{background:#f5f5f5;padding:8px;white-space:pre-wrap}
</style>
${chartAssetsHtml()}</head>
<body>
<h1>${esc(d.title)}</h1>
<p>Scenario set <b>${esc(d.scenarioSet)}</b>, ${d.seeds} seeds per scenario; figures are means over seeds with 95% t-intervals. Generated ${esc(d.generatedAt)}.</p>
<h2>Verdict</h2><pre>${esc(d.verdict.join("\n"))}</pre>
<h2>Metrics (DESIGN §9)</h2>
${metricsTableHtml(d)}
${charts}
<script type="application/json" id="report-data">${json}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

export function writeReport(path: string, d: ReportData): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReportHtml(d));
}
