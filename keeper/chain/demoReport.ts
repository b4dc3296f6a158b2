/**
 * The demo's self-contained HTML report: summary table and inline SVG charts (no script, no
 * network). Chart containers follow the report convention: `data-chart="<key>"` and
 * `data-rendered="true"` once drawn (here at generation time).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

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

function svgChart(c: DemoChart): string {
  const W = 900;
  const H = 260;
  const L = 70;
  const R = 20;
  const T = 16;
  const B = 30;
  const xs = c.series.flatMap((s) => s.x);
  const ys = c.series.flatMap((s) => s.y).filter(Number.isFinite);
  if (xs.length === 0 || ys.length === 0) return `<svg width="${W}" height="40"><text x="10" y="24">no data</text></svg>`;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y1 === y0) {
    y0 -= 1;
    y1 += 1;
  }
  const px = (x: number): number => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
  const py = (y: number): number => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const lines = c.series
    .map((s) => {
      const pts = s.x.map((x, i) => `${px(x).toFixed(1)},${py(s.y[i]).toFixed(1)}`).join(" ");
      return `<polyline fill="none" stroke="${s.color}" stroke-width="1.4"${s.dashed ? ' stroke-dasharray="4 3"' : ""} points="${pts}"><title>${esc(s.label)}</title></polyline>`;
    })
    .join("");
  const marks = (c.marks ?? []).map((m) => `<line x1="${px(m.x).toFixed(1)}" x2="${px(m.x).toFixed(1)}" y1="${H - B}" y2="${H - B - 8}" stroke="${m.color}"/>`).join("");
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = y0 + f * (y1 - y0);
      return `<text x="${L - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${y.toPrecision(5)}</text><line x1="${L}" x2="${W - R}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`;
    })
    .join("");
  const xticks = [0, 0.5, 1]
    .map((f) => {
      const x = x0 + f * (x1 - x0);
      return `<text x="${px(x)}" y="${H - 10}" text-anchor="middle" font-size="11">${(x / 86400).toFixed(2)} d</text>`;
    })
    .join("");
  const legend = c.series.map((s, i) => `<text x="${L + 10 + i * 210}" y="${T + 10}" font-size="12" fill="${s.color}">■ ${esc(s.label)}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(c.title)}">${ticks}${xticks}${lines}${marks}${legend}<text x="12" y="${H / 2}" font-size="11" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${esc(c.yLabel)}</text></svg>`;
}

export function renderDemoReport(r: DemoReport): string {
  const head = `<tr>${r.table.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`;
  const rows = r.table.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  const charts = r.charts.map((c) => `<section><h2>${esc(c.title)}</h2><div class="chart" data-chart="${esc(c.key)}" data-rendered="true">${svgChart(c)}</div></section>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}
.chart{margin:8px 0 24px}ul{font-size:13px}</style></head>
<body><h1>${esc(r.title)}</h1><p>${esc(r.subtitle)}</p>
<table>${head}
${rows}</table>
<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
${charts}
</body></html>
`;
}

export function writeDemoReport(path: string, r: DemoReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderDemoReport(r));
}
