/** Console table of paired differences against the reference policy. */
import { fmtNum } from "../report/htmlReport";
import { METRICS } from "./metricSpec";
import type { PairedRow } from "./paired";

export function formatPairedTable(rows: readonly PairedRow[]): string {
  if (rows.length === 0) return "(no other policy to pair with the reference)";
  const label = (k: string) => METRICS.find((m) => m.key === k)?.label ?? k;
  const cells = rows.map((r) => [label(r.metric), r.policy, `${fmtNum(r.diff)} [${fmtNum(r.lo)}, ${fmtNum(r.hi)}]`, r.verdict]);
  const header = ["metric", "policy", `policy − ${rows[0].reference} (paired 95%, n=${rows[0].n})`, "verdict"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 2 ? x.padStart(widths[i]) : x.padEnd(widths[i]))).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)].join("\n");
}
