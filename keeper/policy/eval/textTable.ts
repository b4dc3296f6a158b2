/** Console table of metric blocks: one row per metric, one column per policy, "mean [lo, hi]". */
import type { MetricBlock } from "../report/reportData";
import { fmtNum } from "../report/htmlReport";

export function formatMetricsTable(blocks: readonly MetricBlock[], policies: readonly string[]): string {
  const header = ["metric", ...policies];
  const rows = blocks.map((b) => [
    b.label,
    ...policies.map((p) => {
      const r = b.rows.find((x) => x.policy === p);
      return r ? `${fmtNum(r.mean)} [${fmtNum(r.lo)}, ${fmtNum(r.hi)}]` : "–";
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}
