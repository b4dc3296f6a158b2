/**
 * `npm run demo` (hardhat run scripts/demo.ts): the whole system on the in-process Hardhat network.
 * Deploys the contracts, loads the shipped policy (policies/default.json; trains a short one into
 * out/demo/ if it is missing), runs ≥ 20 on-chain traders with the real keeper ticking every
 * decision interval for a few simulated days, then the same seed with no keeper (static), prints a
 * summary table and writes out/demo/report.html. Every op is mirrored into the simulator, and the
 * on-chain budget is checked against the simulator's.
 *
 * Environment knobs (hardhat run takes no flags): DEMO_DAYS (default 3), DEMO_SCENARIO (default
 * scenarios/train/gbm-trend-volatile.json), DEMO_SEED (default 7), DEMO_ARRIVALS_PER_DAY (default 600).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { SingleBar, Presets } from "cli-progress";
import hre from "hardhat";
import type { Eip1193Provider } from "ethers";
import { loadScenario } from "../keeper/sim/scenario";
import { loadKeeperPolicy } from "../keeper/service/policy/loadKeeperPolicy";
import type { Policy } from "../keeper/core/policyTypes";
import { runChainEpisode, budgetAgrees, type ChainRunEnv, type ChainRunResult } from "../keeper/chain/runChain";
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

function summaryRows(runs: readonly ChainRunResult[]): string[][] {
  const row = (label: string, f: (r: ChainRunResult) => string): string[] => [label, ...runs.map(f)];
  return [
    row("trades (refused)", (r) => `${r.trades} (${r.refusedTrades})`),
    row("volume", (r) => fmt(r.volume, 0)),
    row("fees", (r) => fmt(r.fees)),
    row("budget start → end", (r) => `${fmt(r.budgetStart, 0)} → ${fmt(r.budgetEnd)}`),
    row("budget (simulator mirror)", (r) => `${fmt(r.simBudgetEnd)} ${budgetAgrees(r) ? "✓" : "✗"}`),
    row("hook costs (net)", (r) => fmt(r.hookCost)),
    row("updates sent", (r) => String(r.updatesSent)),
    row("|mark−oracle| mean / p95 bps", (r) => `${fmt(r.gapMeanBps, 1)} / ${fmt(r.gapP95Bps, 1)}`),
    row("informed PnL", (r) => fmt(r.informedPnl)),
    row("uninformed PnL", (r) => fmt(r.uninformedPnl)),
    row("liquidations", (r) => String(r.liquidations)),
    row("funding settlements", (r) => String(r.fundingSettlements)),
    row("gas traders / keeper", (r) => `${r.gasTraders} / ${r.gasKeeper}`),
    row("vault ≥ owed", (r) => `${fmt(r.vaultBalance)} ≥ ${fmt(r.owedAfterWithdrawals)} ${r.vaultBalance + 1e-6 >= r.owedAfterWithdrawals ? "✓" : "✗"}`),
    row("parity mismatches", (r) => String(r.parityMismatches.length)),
  ];
}

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
  const arrivalsPerDay = envNumber("DEMO_ARRIVALS_PER_DAY", 600);
  const scenarioPath = path.resolve(ROOT, process.env.DEMO_SCENARIO ?? "scenarios/train/gbm-trend-volatile.json");
  const scenario = loadScenario(scenarioPath);
  const { policy, source } = await loadOrTrainPolicy();
  const signers = await hre.ethers.getSigners();
  const env: ChainRunEnv = {
    eip1193: hre.network.provider as unknown as Eip1193Provider,
    rpc: hre.network.provider as unknown as ChainRunEnv["rpc"],
    admin: signers[0],
    liquidators: signers.slice(1, 3),
    traders: signers.slice(3, 27),
    latestBlock: async () => {
      const b = await hre.ethers.provider.getBlock("latest");
      return { number: b!.number, timestamp: b!.timestamp };
    },
  };
  console.log(`dAMM demo: scenario ${scenario.name}, ${days} days, seed ${seed}, ${env.traders.length} traders (λ_i ${scenario.traders.informedProb}), ${arrivalsPerDay} arrivals/day, policy ${source}`);
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
  const header = ["metric", ...runs.map((r) => r.label)];
  const rows = summaryRows(runs);
  printTable(header, rows);
  for (const r of runs) for (const m of r.parityMismatches.slice(0, 5)) console.log(`parity (${r.label}): ${m}`);
  const skipped = runs[0].journal.filter((d) => d.status === "skipped");
  const reasons = new Map<string, number>();
  for (const d of skipped) {
    const k = (d.skipReason ?? "").replace(/\(.*$/, "").slice(0, 60);
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
  }
  const out = path.join(ROOT, "out", "demo", "report.html");
  const [k, s] = runs;
  writeDemoReport(out, {
    title: "dAMM demo — on-chain traders and the learned keeper",
    subtitle: `Scenario ${scenario.name}, ${days} simulated days, seed ${seed}, ${env.traders.length} trader accounts, policy ${source}. In-process Hardhat network; every op mirrored into the simulator.`,
    table: { header, rows },
    notes: [
      `Keeper decisions: ${runs[0].journal.length} journaled, ${runs[0].journal.filter((d) => d.status === "confirmed").length} confirmed, ${skipped.length} skipped (${[...reasons].map(([r, n]) => `${r}: ${n}`).join("; ")}).`,
      `Budget parity (chain vs simulator, 1e-9 relative): ${runs.map((r) => `${r.label} ${budgetAgrees(r) ? "agrees" : "DIFFERS"}`).join(", ")}.`,
    ],
    charts: [
      {
        key: "mark-oracle",
        title: "Mark vs oracle (ticks: keeper updates)",
        yLabel: "price",
        series: [
          { label: "oracle", color: "#888", x: k.trace.t, y: k.trace.oracle },
          { label: k.label, color: "#c0392b", x: k.trace.t, y: k.trace.mark },
          { label: s.label, color: "#2874a6", x: s.trace.t, y: s.trace.mark, dashed: true },
        ],
        marks: k.hooks.map((h) => ({ x: h.t, color: h.kind === "repeg" ? "#c0392b" : "#27ae60" })),
      },
      {
        key: "budget",
        title: "Adjustment budget",
        yLabel: "quote",
        series: [
          { label: k.label, color: "#c0392b", x: k.trace.t, y: k.trace.budget },
          { label: s.label, color: "#2874a6", x: s.trace.t, y: s.trace.budget, dashed: true },
        ],
      },
      {
        key: "imbalance",
        title: "Net user position (longOI − shortOI)",
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
