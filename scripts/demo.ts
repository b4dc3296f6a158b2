/**
 * `npm run demo` (hardhat run scripts/demo.ts): the whole system on the in-process Hardhat network.
 * Deploys the contracts, loads the shipped policy (policies/default.json; trains a short one into
 * out/demo/ if it is missing), runs 24 on-chain trader accounts with the real keeper ticking every
 * decision interval for a few simulated days, then the same seed with no keeper (static), prints a
 * summary table with a keeper-vs-static verdict and writes out/demo/report.html. Every op is
 * mirrored into the simulator, and the on-chain budget is checked against the simulator's.
 *
 * The demo market is the calm training scenario (driftless GBM, 3 %/√day) with an arbitrage side
 * deep enough to be realistic on-chain: the scenario's 0.5 arrivals/s is far too many for one
 * transaction per op, so arrivals are 1200/day, 30 % of them informed, each informed account with
 * 1M quote of capital (5× leverage). With the scenario's own 100k and ~600 arrivals/day, informed
 * capital runs out within hours and the mark drifts hundreds of bps from the oracle, keeper or not.
 *
 * Environment knobs (hardhat run takes no flags): DEMO_DAYS (default 3), DEMO_SCENARIO (default
 * scenarios/train/gbm-calm.json), DEMO_SEED (default 7), DEMO_ARRIVALS_PER_DAY (default 1200),
 * DEMO_INFORMED_PROB (default 0.3), DEMO_INFORMED_CAPITAL (default 1000000).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { SingleBar, Presets } from "cli-progress";
import hre from "hardhat";
import { hardhatRunEnv } from "../keeper/chain/hardhatRunEnv";
import { loadScenario } from "../keeper/sim/scenario";
import { loadKeeperPolicy } from "../keeper/service/policy/loadKeeperPolicy";
import type { Policy } from "../keeper/core/policyTypes";
import { runChainEpisode, budgetAgrees, type ChainRunResult } from "../keeper/chain/runChain";
import { writeDemoReport } from "../keeper/chain/demoReport";

const ROOT = path.resolve(__dirname, "..");

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${v}: must be a positive number`);
  return n;
}

async function loadOrTrainPolicy(): Promise<{ policy: Policy; source: string }> {
  const shipped = path.join(ROOT, "policies", "default.json");
  if (existsSync(shipped)) return { policy: loadKeeperPolicy(shipped), source: "policies/default.json" };
  console.log("policies/default.json not found: training a short policy (10 episodes) …");
  const { runTraining } = await import("../keeper/policy/training/runTraining");
  const { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } = await import("../keeper/policy/training/defaultRun");
  const { savePolicyFile } = await import("../keeper/policy/policyFile");
  const run = runTraining({ name: "demo", set: "train", mdp: DEFAULT_TRAIN_MDP, config: { ...DEFAULT_TRAIN_CONFIG, episodes: 10 } });
  const out = path.join(ROOT, "out", "demo", "policy.json");
  mkdirSync(path.dirname(out), { recursive: true });
  savePolicyFile(out, run.file);
  return { policy: loadKeeperPolicy(out), source: `${path.relative(ROOT, out)} (trained in ${run.seconds.toFixed(1)} s)` };
}

const fmt = (v: number, d = 2): string => (Math.abs(v) >= 1e6 ? v.toExponential(3) : v.toFixed(d));
const signed = (v: number, d = 0): string => `${v >= 0 ? "+" : ""}${fmt(v, d)}`;

/** The summary table; every row names its unit ("quote" = the collateral token, e.g. USDC). */
function summaryRows(runs: readonly ChainRunResult[]): string[][] {
  const row = (label: string, f: (r: ChainRunResult) => string): string[] => [label, ...runs.map(f)];
  return [
    row("|mark−oracle| mean / p95 (bps, every 5 min)", (r) => `${fmt(r.gapMeanBps, 1)} / ${fmt(r.gapP95Bps, 1)}`),
    row("adjustment budget start → end (quote)", (r) => `${fmt(r.budgetStart, 0)} → ${fmt(r.budgetEnd, 0)}`),
    row("  same, simulator mirror (✓ = equal)", (r) => `${fmt(r.simBudgetEnd, 0)} ${budgetAgrees(r) ? "✓" : "✗"}`),
    row("keeper updates sent (repeg / k)", (r) => `${r.updatesSent} (${r.hooks.filter((h) => h.kind === "repeg").length} / ${r.hooks.filter((h) => h.kind === "updateK").length})`),
    row("hook costs, net (quote; − = gain)", (r) => fmt(r.hookCost, 0)),
    row("trades (refused)", (r) => `${r.trades} (${r.refusedTrades})`),
    row("volume (quote)", (r) => fmt(r.volume, 0)),
    row("trading fees (quote)", (r) => fmt(r.fees, 0)),
    row("informed traders PnL (quote)", (r) => signed(r.informedPnl)),
    row("uninformed traders PnL (quote)", (r) => signed(r.uninformedPnl)),
    row("liquidations", (r) => String(r.liquidations)),
    row("funding settlements (hourly)", (r) => String(r.fundingSettlements)),
    row("gas: traders / keeper", (r) => `${(Number(r.gasTraders) / 1e6).toFixed(1)}M / ${(Number(r.gasKeeper) / 1e6).toFixed(2)}M`),
    row("vault ≥ owed after withdrawals (quote)", (r) => `${fmt(r.vaultBalance, 0)} ≥ ${fmt(r.owedAfterWithdrawals, 0)} ${r.vaultBalance + 1e-6 >= r.owedAfterWithdrawals ? "✓" : "✗"}`),
    row("chain ↔ simulator mismatches", (r) => String(r.parityMismatches.length)),
  ];
}

/** What each row means (printed under the table and in the report). */
const LEGEND = [
  "quote = the collateral token (6-decimal, USDC-like); bps = 0.01 %. The gap is sampled every 5 simulated minutes.",
  "Adjustment budget: the market's own fund. It receives half of every trading fee and the funding the AMM earns as counterparty of the net user position; it pays the AMM's funding (≤ 33 % of it per settlement) and the cost of the keeper's repeg / k updates (≤ 20 % of it per 24 h). It is not the traders' money.",
  "Hook costs: what the keeper's repeg / updateK calls cost the budget (positive = paid; negative = the update was revenue, e.g. a repeg against the net user position).",
  "Trader PnL: what each group withdrew minus what it deposited, after fees (10 bps of notional on every open and close), funding and price moves. Informed traders arbitrage the mark toward the oracle once the gap beats the fee; uninformed ones trade random sides.",
];

/** Keeper vs static, metric by metric, in words; losses are named, not hidden. */
function verdict(k: ChainRunResult, s: ChainRunResult): string[] {
  const cmp = (what: string, kv: number, sv: number, lowerIsBetter: boolean, unit: string, d = 1): string => {
    const better = lowerIsBetter ? kv < sv : kv > sv;
    const word = kv === sv ? "same as" : better ? "better than" : "WORSE than";
    return `${what}: keeper ${fmt(kv, d)}${unit} — ${word} static ${fmt(sv, d)}${unit}`;
  };
  return [
    cmp("mean |mark−oracle|", k.gapMeanBps, s.gapMeanBps, true, " bps"),
    cmp("p95 |mark−oracle|", k.gapP95Bps, s.gapP95Bps, true, " bps"),
    cmp("budget at the end", k.budgetEnd, s.budgetEnd, false, " quote", 0),
    cmp("uninformed traders' PnL", k.uninformedPnl, s.uninformedPnl, false, " quote", 0),
    cmp("informed traders' PnL", k.informedPnl, s.informedPnl, false, " quote", 0),
    `keeper gas: ${(Number(k.gasKeeper) / 1e6).toFixed(2)}M for ${k.updatesSent} updates (static: none)`,
  ];
}

const gapSeries = (r: ChainRunResult): number[] => r.trace.mark.map((m, i) => ((m - r.trace.oracle[i]) / r.trace.oracle[i]) * 1e4);

function printTable(header: string[], rows: string[][]): void {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ");
  console.log(line(header));
  console.log(w.map((n) => "-".repeat(n)).join("-|-"));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const days = envNumber("DEMO_DAYS", 3);
  const seed = envNumber("DEMO_SEED", 7);
  const arrivalsPerDay = envNumber("DEMO_ARRIVALS_PER_DAY", 1200);
  const scenarioPath = path.resolve(ROOT, process.env.DEMO_SCENARIO ?? "scenarios/train/gbm-calm.json");
  const base = loadScenario(scenarioPath);
  const informedProb = envNumber("DEMO_INFORMED_PROB", 0.3);
  if (informedProb >= 1) throw new Error(`DEMO_INFORMED_PROB=${informedProb}: must be below 1`);
  const capital = envNumber("DEMO_INFORMED_CAPITAL", 1_000_000);
  const scenario = { ...base, traders: { ...base.traders, informedProb, informed: { ...base.traders.informed, capital } } };
  const { policy, source } = await loadOrTrainPolicy();
  const env = await hardhatRunEnv(hre);
  const setup = `scenario ${scenario.name} (${base.description}), ${days} simulated days, seed ${seed}; ${env.traders.length} trader accounts, ${arrivalsPerDay} arrivals/day, ${informedProb * 100} % informed (capital ${capital.toLocaleString("en-US")} quote each, ${scenario.traders.informed.leverage}× leverage); keeper decides every ${scenario.decisionIntervalSec / 60} min with policy ${source}`;
  console.log(`dAMM demo: ${setup}`);
  const snapshot = await hre.network.provider.send("evm_snapshot", []);
  const runs: ChainRunResult[] = [];
  for (const [label, pol] of [[`keeper (${policy.name})`, policy], ["static (no keeper)", null]] as const) {
    const bar = new SingleBar({ format: `${label.padEnd(22)} [{bar}] {percentage}% | gap {gap} bps | budget {budget} | updates {updates}`, hideCursor: true }, Presets.shades_classic);
    bar.start(100, 0, { gap: "0", budget: "0", updates: 0 });
    const r = await runChainEpisode(env, {
      scenario,
      days,
      seed,
      policy: pol,
      arrivalsPerDay,
      onProgress: (done, total, info) => bar.update(Math.round((100 * done) / total), { gap: info.gapBps.toFixed(1), budget: info.budget.toFixed(0), updates: info.updates }),
    }, label);
    bar.stop();
    runs.push(r);
    // Same start for the static run: same block time, same oracle path, same trader seed.
    await hre.network.provider.send("evm_revert", [snapshot]);
  }
  console.log("");
  const [k, s] = runs;
  const header = ["metric (same seed, same oracle path)", ...runs.map((r) => r.label)];
  const rows = summaryRows(runs);
  printTable(header, rows);
  console.log(`(informed accounts: ${k.informedAccounts} of ${env.traders.length})`);
  for (const l of LEGEND) console.log(`· ${l}`);
  const verdictLines = verdict(k, s);
  console.log("\nkeeper vs static:");
  for (const l of verdictLines) console.log(`  ${l}`);
  for (const r of runs) for (const m of r.parityMismatches.slice(0, 5)) console.log(`parity (${r.label}): ${m}`);
  const skipped = runs[0].journal.filter((d) => d.status === "skipped");
  const reasons = new Map<string, number>();
  for (const d of skipped) {
    const k = (d.skipReason ?? "").replace(/\(.*$/, "").slice(0, 60);
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
  }
  const out = path.join(ROOT, "out", "demo", "report.html");
  writeDemoReport(out, {
    title: "dAMM demo — on-chain traders and the learned keeper",
    subtitle: `${setup[0].toUpperCase()}${setup.slice(1)}. In-process Hardhat network; the static run replays the same seed and oracle path with no keeper. Every transaction is mirrored into the simulator and compared.`,
    table: { header, rows },
    notes: [
      ...verdictLines.map((l) => `Keeper vs static — ${l}.`),
      ...LEGEND,
      `Informed accounts: ${k.informedAccounts} of ${env.traders.length}.`,
      `Keeper decisions: ${runs[0].journal.length} journaled, ${runs[0].journal.filter((d) => d.status === "confirmed").length} confirmed, ${skipped.length} skipped (${[...reasons].map(([r, n]) => `${r}: ${n}`).join("; ")}).`,
      `Budget parity (chain vs simulator, 1e-9 relative): ${runs.map((r) => `${r.label} ${budgetAgrees(r) ? "agrees" : "DIFFERS"}`).join(", ")}.`,
    ],
    charts: [
      {
        key: "mark-oracle",
        title: "Mark vs oracle (ticks at the bottom: keeper updates, red = repeg, green = k)",
        yLabel: "price",
        series: [
          { label: "oracle", color: "#888", x: k.trace.t, y: k.trace.oracle },
          { label: k.label, color: "#c0392b", x: k.trace.t, y: k.trace.mark },
          { label: s.label, color: "#2874a6", x: s.trace.t, y: s.trace.mark, dashed: true },
        ],
        marks: k.hooks.map((h) => ({ x: h.t, color: h.kind === "repeg" ? "#c0392b" : "#27ae60" })),
      },
      {
        key: "gap",
        title: "Mark − oracle (bps)",
        yLabel: "bps",
        series: [
          { label: k.label, color: "#c0392b", x: k.trace.t, y: gapSeries(k) },
          { label: s.label, color: "#2874a6", x: s.trace.t, y: gapSeries(s), dashed: true },
        ],
        marks: k.hooks.map((h) => ({ x: h.t, color: h.kind === "repeg" ? "#c0392b" : "#27ae60" })),
      },
      {
        key: "budget",
        title: "Adjustment budget (quote)",
        yLabel: "quote",
        series: [
          { label: k.label, color: "#c0392b", x: k.trace.t, y: k.trace.budget },
          { label: s.label, color: "#2874a6", x: s.trace.t, y: s.trace.budget, dashed: true },
        ],
      },
      {
        key: "imbalance",
        title: "Net user position, longOI − shortOI (base units)",
        yLabel: "base",
        series: [
          { label: k.label, color: "#c0392b", x: k.trace.t, y: k.trace.imbalance },
          { label: s.label, color: "#2874a6", x: s.trace.t, y: s.trace.imbalance, dashed: true },
        ],
      },
    ],
  });
  console.log(`\nreport: ${out}`);
  console.log(`demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (runs.some((r) => !budgetAgrees(r) || r.vaultBalance + 1e-6 < r.owedAfterWithdrawals)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
