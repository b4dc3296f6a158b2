/**
 * What the demo prints and writes about its three lines: the summary table (one column per line),
 * the internal-consistency checks of every line (the budget is what its flows say; the bot's take
 * is its balance change; the runner's figures agree with the events; chain = simulator), and the
 * comparison against no keeper in words, with the budget difference taken apart flow by flow so a
 * loss says where it came from.
 */
import { budgetAgrees } from "../runChain";
import type { DemoLine } from "./demoLines";

const fmt = (v: number, d = 0): string => (Math.abs(v) >= 1e7 ? v.toExponential(3) : v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));
const signed = (v: number, d = 0): string => `${v >= 0 ? "+" : ""}${fmt(v === 0 ? 0 : v, d)}`;

/** Net cost of one kind of the keeper's updates (the runner's per-hook chain costs). */
export function hookCostOf(l: DemoLine, kind: "repeg" | "updateK"): number {
  return l.run.hooks.filter((h) => h.kind === kind).reduce((a, h) => a + h.cost, 0);
}

/** Rows of the summary table; every row names its unit ("quote" = the collateral token). */
export function summaryRows(lines: readonly DemoLine[]): string[][] {
  const row = (label: string, f: (l: DemoLine) => string): string[] => [label, ...lines.map(f)];
  return [
    row("policy", (l) => l.spec.policy?.name ?? "none"),
    row("adjustment budget start → end (quote)", (l) => `${fmt(l.ledger.budgetStart)} → ${fmt(l.ledger.budgetEnd)}`),
    row("  = start + fees + funding − hooks − bad debt ✓", (l) => (l.ledger.budgetResidualWad === 0n ? "✓" : `✗ ${l.ledger.budgetResidualWad} wei`)),
    row("  simulator mirror's budget (✓ = equal)", (l) => `${fmt(l.run.simBudgetEnd)} ${budgetAgrees(l.run) ? "✓" : "✗"}`),
    row("protocol net revenue (quote)", (l) => signed(l.ledger.netRevenue)),
    row("  trading fees: to budget / to reserve", (l) => `${fmt(l.ledger.feesToBudget)} / ${fmt(l.ledger.feesToReserve)}`),
    row("  liquidation fees kept (reserve)", (l) => fmt(l.ledger.liquidationFeesKept)),
    row("  funding: AMM received / paid", (l) => `${fmt(l.ledger.fundingReceived)} / ${fmt(l.ledger.fundingPaid)}`),
    row("  hook costs, net: repegs + k updates (− = gain)", (l) => `${fmt(l.ledger.hookCost)} (${fmt(hookCostOf(l, "repeg"))} + ${fmt(hookCostOf(l, "updateK"))})`),
    row("  bad debt (from budget / uncovered)", (l) => `${fmt(l.ledger.badDebt)} (${fmt(l.ledger.badDebtFromBudget)} / ${fmt(l.ledger.badDebtUncovered)})`),
    row("keeper updates (repeg / k)", (l) => `${l.run.updatesSent} (${l.run.hooks.filter((h) => h.kind === "repeg").length} / ${l.run.hooks.filter((h) => h.kind === "updateK").length})`),
    row("|mark−oracle| mean / p90 / p95 (bps)", (l) => `${l.tracking.meanBps.toFixed(1)} / ${l.tracking.p90Bps.toFixed(1)} / ${l.tracking.p95Bps.toFixed(1)}`),
    row("sandwich bot: repegs seen / sandwiched", (l) => `${l.bot.repegsSeen} / ${l.bot.sandwiches}`),
    row("sandwich bot's take (quote; = balance change)", (l) => `${signed(l.bot.take, 2)} (${signed(l.bot.balanceChange, 2)})`),
    row("informed traders' PnL (quote)", (l) => signed(l.run.informedPnl)),
    row("uninformed traders' PnL (quote)", (l) => signed(l.run.uninformedPnl)),
    row("liquidations", (l) => String(l.run.liquidations)),
    row("trades (refused) / volume (quote)", (l) => `${l.run.trades} (${l.run.refusedTrades}) / ${(l.run.volume / 1e6).toFixed(1)}M`),
    row("gas: traders / keeper", (l) => `${(Number(l.run.gasTraders) / 1e6).toFixed(1)}M / ${(Number(l.run.gasKeeper) / 1e6).toFixed(2)}M`),
    row("vault ≥ owed after withdrawals (quote)", (l) => `${fmt(l.run.vaultBalance)} ≥ ${fmt(l.run.owedAfterWithdrawals)} ${l.run.vaultBalance + 1e-6 >= l.run.owedAfterWithdrawals ? "✓" : "✗"}`),
    row("chain ↔ simulator mismatches", (l) => String(l.mismatches.length)),
  ];
}

/** What each row means (printed under the table and in the report). */
export const LEGEND: readonly string[] = [
  "quote = the collateral token (6-decimal, USDC-like); bps = 0.01 %. The gap is sampled every 5 simulated minutes; p90 / p95 are nearest-rank.",
  "Adjustment budget: the market's own fund. It receives its share of every trading fee and the funding the AMM earns as counterparty of the net user position; it pays the AMM's funding (≤ 33 % of it per settlement) and the keeper's repeg / k updates, the two together within a daily cost cap (20 % of it per 24 h window) and bad debt the reserved share could not cover. The ✓ row re-adds those flows from the contracts' events, exactly (WAD).",
  "Protocol net revenue (the simulator's definition): all trading fees + liquidation fees kept + funding received − hook costs − funding paid − bad debt.",
  "Sandwich bot: reads the keeper's pending repeg from the mempool and trades before and after it in the same block when the simulator's plan says the move pays its two fees; its take is its free collateral after minus before (PnL after fees), checked against its whole balance change. Its deposit sits in the vault too (vault ≥ owed counts the traders, liquidators and the market only).",
  "Trader PnL: what each group withdrew minus what it deposited, after fees, funding and price moves. Informed traders arbitrage the mark toward the oracle once the gap beats the fee; uninformed ones trade random sides.",
  "One seed, one oracle path, one start time: a budget difference of a few thousand quote can change sign with the chain time the runs start at (DEMO_START_PHASE; BENCHMARKS.md, \"Demo, three lines\"), so read it as noise; the validation figures behind the shipped keeper and the best rule (policies/selection.json, npm run select:default) average many scenarios per family.",
];

export interface LineCheck {
  readonly line: string;
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

const close = (a: number, b: number, abs: number): boolean => Math.abs(a - b) <= Math.max(abs, 1e-9 * Math.max(Math.abs(a), Math.abs(b)));

/** Internal consistency of every line (what the demo exits non-zero on). */
export function lineChecks(lines: readonly DemoLine[]): LineCheck[] {
  const out: LineCheck[] = [];
  for (const l of lines) {
    const add = (check: string, ok: boolean, detail: string) => out.push({ line: l.spec.label, check, ok, detail });
    const g = l.ledger;
    add("budget = start + fees to budget + funding received − funding paid − hook costs − bad debt from budget (+ top-ups)", g.budgetResidualWad === 0n, `residual ${g.budgetResidualWad} wei`);
    add("budget from the events = the runner's chain read", close(g.budgetEnd, l.run.budgetEnd, 1e-9), `${g.budgetEnd} vs ${l.run.budgetEnd}`);
    add("budget start = the runner's", close(g.budgetStart, l.run.budgetStart, 1e-9), `${g.budgetStart} vs ${l.run.budgetStart}`);
    add("simulator mirror's budget = the chain's", budgetAgrees(l.run), `${l.run.simBudgetEnd} vs ${l.run.budgetEnd}`);
    add("trading fees from the events = the runner's sum + the bot's", close(g.fees, l.run.fees + l.bot.fees, 1e-6 * (l.run.trades + l.run.liquidations + 2 * l.bot.sandwiches + 1)), `${g.fees} vs ${l.run.fees} + ${l.bot.fees}`);
    add("hook costs from the events = the runner's sum", close(g.hookCost, l.run.hookCost, 1e-6 * (l.run.updatesSent + 1)) && g.hooks === l.run.updatesSent, `${g.hookCost} (${g.hooks}) vs ${l.run.hookCost} (${l.run.updatesSent})`);
    add("no keeper ⇒ no update and no hook cost", l.spec.policy !== null || (g.hooks === 0 && g.hookCost === 0), `${g.hooks} updates, cost ${g.hookCost}`);
    add("bot's take = its balance change", close(l.bot.take, l.bot.balanceChange, 1e-6 * (2 * l.bot.sandwiches + 1)), `${l.bot.take} vs ${l.bot.balanceChange}`);
    add("tracking mean / p95 = the runner's", close(l.tracking.meanBps, l.run.gapMeanBps, 1e-9) && l.tracking.p95Bps === l.run.gapP95Bps, `${l.tracking.meanBps}/${l.tracking.p95Bps} vs ${l.run.gapMeanBps}/${l.run.gapP95Bps}`);
    add("vault ≥ owed after withdrawals", l.run.vaultBalance + 1e-6 >= l.run.owedAfterWithdrawals, `${l.run.vaultBalance} vs ${l.run.owedAfterWithdrawals}`);
    add("chain ↔ simulator: no mismatch", l.mismatches.length === 0, l.mismatches.slice(0, 3).join("; "));
  }
  return out;
}

/** One keeper line against no keeper: better / WORSE per metric, and where the budget difference comes from. */
export function versusNoKeeper(k: DemoLine, none: DemoLine): string[] {
  const cmp = (what: string, kv: number, nv: number, lowerIsBetter: boolean, unit: string, d: number): string => {
    const word = kv === nv ? "same as" : (lowerIsBetter ? kv < nv : kv > nv) ? "better than" : "WORSE than";
    return `${what}: ${fmt(kv, d)}${unit} — ${word} no keeper's ${fmt(nv, d)}${unit}`;
  };
  const a = k.ledger;
  const b = none.ledger;
  const parts = [
    ["fees to budget", a.feesToBudget - b.feesToBudget],
    ["funding received", a.fundingReceived - b.fundingReceived],
    ["funding paid", -(a.fundingPaid - b.fundingPaid)],
    [`hook costs (repegs ${fmt(-hookCostOf(k, "repeg"))}, k updates ${fmt(-hookCostOf(k, "updateK"))})`, -(a.hookCost - b.hookCost)],
    ["bad debt from budget", -(a.badDebtFromBudget - b.badDebtFromBudget)],
  ] as const;
  return [
    cmp("final budget", a.budgetEnd, b.budgetEnd, false, " quote", 0),
    cmp("mean |mark−oracle|", k.tracking.meanBps, none.tracking.meanBps, true, " bps", 1),
    cmp("p95 |mark−oracle|", k.tracking.p95Bps, none.tracking.p95Bps, true, " bps", 1),
    cmp("protocol net revenue", a.netRevenue, b.netRevenue, false, " quote", 0),
    `budget difference ${signed(a.budgetEnd - b.budgetEnd)} = ${parts.map(([n, v]) => `${n} ${signed(v)}`).join(", ")}`,
  ];
}

/** Is a keeper line ahead of no keeper on both budget and mean tracking (the issue's demo goal)? */
export function aheadOfNoKeeper(k: DemoLine, none: DemoLine): boolean {
  return k.ledger.budgetEnd > none.ledger.budgetEnd && k.tracking.meanBps < none.tracking.meanBps;
}
