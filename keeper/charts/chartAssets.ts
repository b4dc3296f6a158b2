/**
 * uPlot (the chart library, MIT, ~50 kB minified) and the shared chart runtime as inline
 * <style> and <script> blocks, so every page with charts works from a file or an offline host.
 */
import { readFileSync } from "node:fs";
import { CHART_RUNTIME } from "./chartRuntime";

let cached: string | undefined;

/** `<style>` + `<script>` blocks to put in a page's <head>: defines `uPlot` and `DammCharts`. */
export function chartAssetsHtml(): string {
  if (cached !== undefined) return cached;
  const js = readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8");
  const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
  cached = `<style>${css}
.uplot{font-size:12px}.u-legend{font-size:12px}.u-legend th{font-weight:500}
.uplot table.u-legend td,.uplot table.u-legend th{border:0;padding:0 2px;text-align:left}
</style>
<script>${inlineSafe(js)}</script>
<script>${inlineSafe(CHART_RUNTIME)}</script>`;
  return cached;
}

/** A literal "</script" inside inline code would end the element early. */
function inlineSafe(js: string): string {
  return js.replace(/<\/script/gi, "<\\/script");
}

/** JSON for an inline <script type="application/json"> (no "</script>" or "<!--" can end it). */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
