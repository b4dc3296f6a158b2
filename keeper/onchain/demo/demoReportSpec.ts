/**
 * The demo's report content from its lines (table, notes, charts with one series per line), handed
 * to keeper/onchain/demoReport.ts for the HTML. Shared by scripts/demo.ts and the demo test, so the
 * test checks the report the user gets.
 */
import type { DemoChart, DemoReport } from "../demoReport";
import type { DemoLine, DemoLineSpec } from "./demoLines";
import { LEGEND, aheadOfNoKeeper, lineChecks, summaryRows, versusNoKeeper } from "./demoSummary";

export interface DemoMeta {
  /** Scenario, days, seed, flow, bot, in words. */
  readonly setup: string;
  readonly shippedSource: string;
  readonly bestRule: string;
  readonly bestRuleWhy: string;
}

const COLORS: Record<DemoLineSpec["role"], string> = { shipped: "#c0392b", none: "#2874a6", "best-rule": "#27ae60", learned: "#d68910" };

export const TABLE_CORNER = "metric (same seed, same oracle path, bot present)";

export function lineOf(lines: readonly DemoLine[], role: DemoLineSpec["role"]): DemoLine {
  const l = lines.find((x) => x.spec.role === role);
  if (!l) throw new Error(`demo: no "${role}" line among ${lines.map((x) => x.spec.role).join(", ")}`);
  return l;
}

/** The third line: the best rule, or the learned policy when the best rule is the shipped keeper. */
export function alternativeLine(lines: readonly DemoLine[]): DemoLine {
  const alt = lines.filter((x) => x.spec.role === "best-rule" || x.spec.role === "learned");
  if (alt.length !== 1) throw new Error(`demo: want one "best-rule" or "learned" line, got roles ${lines.map((x) => x.spec.role).join(", ")}`);
  return alt[0];
}

/** Each keeper against no keeper, and the shipped keeper against the third line, in words. */
export function verdictLines(lines: readonly DemoLine[]): string[] {
  const none = lineOf(lines, "none");
  const out: string[] = [];
  for (const k of lines.filter((l) => l.spec.policy)) {
    out.push(`${k.spec.label} vs no keeper — ${aheadOfNoKeeper(k, none) ? "AHEAD on budget and mean tracking" : "NOT ahead on both budget and mean tracking"}:`, ...versusNoKeeper(k, none).map((s) => `  ${s}`));
  }
  const s = lineOf(lines, "shipped");
  const b = alternativeLine(lines);
  out.push(
    `shipped keeper vs ${b.spec.label}: budget ${s.ledger.budgetEnd.toFixed(0)} vs ${b.ledger.budgetEnd.toFixed(0)}, net revenue ${s.ledger.netRevenue.toFixed(0)} vs ${b.ledger.netRevenue.toFixed(0)}, mean gap ${s.tracking.meanBps.toFixed(1)} vs ${b.tracking.meanBps.toFixed(1)} bps`,
  );
  return out;
}

export function demoCharts(lines: readonly DemoLine[]): DemoChart[] {
  const k = lineOf(lines, "shipped");
  const per = (y: (l: DemoLine) => number[]) => lines.map((l) => ({ label: l.spec.label, color: COLORS[l.spec.role], x: l.run.trace.t, y: y(l), ...(l.spec.role === "none" ? { dashed: true } : {}) }));
  const marks = k.run.hooks.map((h) => ({ x: h.t, color: h.kind === "repeg" ? "#c0392b" : "#8e44ad" }));
  const signedGap = (l: DemoLine) => l.run.trace.mark.map((m, i) => ((m - l.run.trace.oracle[i]) / l.run.trace.oracle[i]) * 1e4);
  return [
    { key: "mark-oracle", title: `Mark vs oracle (ticks at the bottom: ${k.spec.label}'s updates, red = repeg, purple = k)`, yLabel: "price", series: [{ label: "oracle", color: "#888", x: k.run.trace.t, y: k.run.trace.oracle }, ...per((l) => l.run.trace.mark)], marks },
    { key: "gap", title: "Mark − oracle (bps)", yLabel: "bps", series: per(signedGap), marks },
    { key: "budget", title: "Adjustment budget (quote)", yLabel: "quote", series: per((l) => l.run.trace.budget) },
    { key: "imbalance", title: "Net user position, longOI − shortOI (base units)", yLabel: "base", series: per((l) => l.run.trace.imbalance) },
  ];
}

export function buildDemoReport(lines: readonly DemoLine[], meta: DemoMeta): DemoReport {
  const checks = lineChecks(lines);
  const failed = checks.filter((c) => !c.ok);
  const shipped = lineOf(lines, "shipped");
  const alt = alternativeLine(lines);
  return {
    title: `dAMM demo — shipped keeper, no keeper and the ${alt.spec.role === "learned" ? "learned policy" : "best rule"}, on-chain, sandwich bot present`,
    subtitle: `${meta.setup[0].toUpperCase()}${meta.setup.slice(1)}. Shipped keeper: ${shipped.spec.policy?.name} (${meta.shippedSource}). Best rule on validation: ${meta.bestRule} — ${meta.bestRuleWhy}${alt.spec.role === "learned" ? "; it is the shipped keeper, so the third line is the learned policy that lost to it" : ""}. In-process Hardhat network; every run replays the same seed and oracle path from the same chain state, and every transaction is mirrored into the simulator and compared.`,
    table: { header: [TABLE_CORNER, ...lines.map((l) => l.spec.label)], rows: summaryRows(lines) },
    notes: [
      ...verdictLines(lines),
      ...LEGEND,
      `Consistency: ${checks.length - failed.length}/${checks.length} checks hold${failed.map((c) => `; FAILED [${c.line}] ${c.check}: ${c.detail}`).join("")}.`,
      ...lines.filter((l) => l.spec.policy).map((l) => `${l.spec.label}: ${l.run.journal.length} decisions journaled, ${l.run.journal.filter((d) => d.status === "confirmed").length} confirmed, ${l.run.journal.filter((d) => d.status === "skipped").length} skipped.`),
      `Runs took ${lines.map((l) => `${l.spec.label} ${l.seconds.toFixed(1)} s`).join(", ")}.`,
    ],
    charts: demoCharts(lines),
  };
}
