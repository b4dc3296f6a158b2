/** Console tables for the evaluation commands. */
import type { MetricBlock } from "../report/reportData";
import { fmtNum } from "../report/htmlReport";

/** "mean [lo, hi]" of an interval. */
export function fmtInterval(i: { readonly mean: number; readonly lo: number; readonly hi: number }): string {
  return `${fmtNum(i.mean)} [${fmtNum(i.lo)}, ${fmtNum(i.hi)}]`;
}

/** A Markdown table, columns padded to their widest cell (pastes into BENCHMARKS.md as printed). */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i])).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...rows.map(line)].join("\n");
}

/** Console table of metric blocks: one row per metric, one column per policy, "mean [lo, hi]". */
export function formatMetricsTable(blocks: readonly MetricBlock[], policies: readonly string[]): string {
  const header = ["metric", ...policies];
  const rows = blocks.map((b) => [
    b.label,
    ...policies.map((p) => {
      const r = b.rows.find((x) => x.policy === p);
      return r ? fmtInterval(r) : "–";
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}
