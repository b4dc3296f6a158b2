/**
 * The demo's self-contained HTML report: summary table and uPlot charts (the library and the
 * shared runtime inlined, no network). Chart containers follow the report convention:
 * `data-chart="<key>"`, and `data-rendered="true"` once the page drew them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { chartAssetsHtml, inlineJson } from "../charts/chartAssets";
import { alignSeries, downsample } from "../charts/chartData";
import type { ChartSpec } from "../charts/chartSpec";

export interface DemoSeries {
  readonly label: string;
  readonly color: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  readonly dashed?: boolean;
}

export interface DemoChart {
  readonly key: string;
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly DemoSeries[];
  /** Vertical markers (e.g. keeper updates). */
  readonly marks?: readonly { readonly x: number; readonly color: string }[];
}

export interface DemoReport {
  readonly title: string;
  readonly subtitle: string;
  readonly table: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly notes: readonly string[];
  readonly charts: readonly DemoChart[];
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** One demo chart as a uPlot spec: series on one x grid (seconds → hours), downsampled. */
export function demoChartSpec(c: DemoChart): ChartSpec {
  const aligned = alignSeries(c.series.map((s) => ({ x: s.x.map((t) => t / 3600), y: s.y })));
  const ds = downsample(aligned.x, aligned.series);
  return {
    xLabel: "hours",
    yLabel: c.yLabel,
    x: ds.x,
    series: c.series.map((s, i) => ({ label: s.label, color: s.color, values: ds.series[i], ...(s.dashed ? { dash: true } : {}) })),
    markers: (c.marks ?? []).map((m) => ({ x: m.x / 3600, color: m.color, label: "update" })),
    syncKey: "demo",
  };
}

const DRAW_ALL = `(function () {
  var specs = JSON.parse(document.getElementById("chart-data").textContent);
  document.querySelectorAll("[data-chart]").forEach(function (node) { DammCharts.draw(node, specs[node.getAttribute("data-chart")]); });
})();`;

export function renderDemoReport(r: DemoReport): string {
  const head = `<tr>${r.table.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const rows = r.table.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  const charts = r.charts.map((c) => `<section><h2>${esc(c.title)}</h2><div class="chart" data-chart="${esc(c.key)}"></div></section>`).join("\n");
  const specs = inlineJson(Object.fromEntries(r.charts.map((c) => [c.key, demoChartSpec(c)])));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}
.chart{margin:8px 0 24px}ul{font-size:13px}</style>
${chartAssetsHtml()}</head>
<body><h1>${esc(r.title)}</h1><p>${esc(r.subtitle)}</p>
<table>${head}
${rows}</table>
<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
${charts}
<p class="hint">Drag across a chart to zoom into a time range; double-click to reset.</p>
<script type="application/json" id="chart-data">${specs}</script>
<script>${DRAW_ALL}</script>
</body></html>
`;
}

export function writeDemoReport(path: string, r: DemoReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderDemoReport(r));
}
