/**
 * `npm run demo` (hardhat run scripts/demo.ts): the whole system on the in-process Hardhat network.
 * Three runs on the same seed, oracle path and trader flow, each from the same chain state, each with
 * the on-chain sandwich bot watching the keeper's mempool:
 *   (a) the shipped keeper: the policy the resolver returns for "default" (keeper/resolve/
 *       policyResolver.ts: the winner in policies/selection.json, the tuned threshold rule today; when
 *       it is the learned policy and policies/default.json is missing, a short one is trained into out/demo/);
 *   (b) no keeper;
 *   (c) the alternative that was not shipped (keeper/onchain/demo/bestRule.ts): the best rule on
 *       validation as policies/selection.json records it (`npm run select:default`, the same file
 *       that makes the default), or — when the shipped keeper IS that rule — the learned policy.
 * Each run: 24 on-chain trader accounts, the real keeper service ticking every decision interval,
 * every op mirrored into the simulator (chain ↔ simulator parity checked), the protocol's flows read
 * back from the contracts' events. Prints one table with a column per run, the consistency checks,
 * each keeper against no keeper in words, and writes out/demo/report.html (uPlot inlined, offline).
 * Exits non-zero when a consistency check fails (never on who wins).
 *
 * The demo market is the calm training scenario (driftless GBM, 3 %/√day) with an arbitrage side
 * deep enough to be realistic on-chain: arrivals are 1200/day, 30 % of them informed, each informed
 * account with 1M quote of capital (5× leverage); the bot brings an informed trader's capital at 5×.
 *
 * Environment knobs (hardhat run takes no flags): DEMO_DAYS (default 3), DEMO_SCENARIO (default
 * scenarios/train/gbm-calm.json), DEMO_SEED (default 7), DEMO_ARRIVALS_PER_DAY (default 1200),
 * DEMO_INFORMED_PROB (default 0.3), DEMO_INFORMED_CAPITAL (default 1000000), DEMO_RULE (a rule
 * name, optionally with options as `depth-seeking{"repegAboveBps":10}`, instead of the selection's best rule), DEMO_START_PHASE (seconds after the chain's next whole day at which every line starts,
 * default 0: the hook windows are absolute, so this phase is part of the experiment; see
 * keeper/onchain/demo/demoLines.ts startTime).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { SingleBar, Presets } from "cli-progress";
import hre from "hardhat";
import { hardhatRunEnv } from "../keeper/onchain/hardhatRunEnv";
import { loadScenario } from "../keeper/sim/scenario";
import type { Policy } from "../keeper/core/policyTypes";
import { policyKind, resolvePolicy } from "../keeper/resolve/policyResolver";
import { writeDemoReport } from "../keeper/onchain/demoReport";
import { alignedStartTime, runDemoLines, type DemoLineSpec } from "../keeper/onchain/demo/demoLines";
import { demoBestRule, demoLineSpecs } from "../keeper/onchain/demo/bestRule";
import { LEGEND, lineChecks, summaryRows } from "../keeper/onchain/demo/demoSummary";
import { TABLE_CORNER, buildDemoReport, verdictLines } from "../keeper/onchain/demo/demoReportSpec";

const ROOT = path.resolve(__dirname, "..");

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${v}: must be a positive number`);
  return n;
}

/** The shipped keeper: whatever the resolver returns for "default" (a learned file today, maybe a rule tomorrow). */
async function shippedPolicy(): Promise<{ policy: Policy; source: string }> {
  const file = path.join(ROOT, "policies", "default.json");
  if (policyKind("default") !== "file") return { policy: resolvePolicy("default"), source: `"default" = ${resolvePolicy("default").name}, the ${policyKind("default")} policies/selection.json chose (npm run select:default)` };
  if (existsSync(file)) return { policy: resolvePolicy("default"), source: "policies/default.json" };
  console.log("policies/default.json not found: training a short policy (10 episodes) …");
  const { runTraining } = await import("../keeper/policy/training/runTraining");
  const { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } = await import("../keeper/policy/training/defaultRun");
  const { savePolicyFile } = await import("../keeper/policy/policyFile");
  const run = runTraining({ name: "demo", set: "train", mdp: DEFAULT_TRAIN_MDP, config: { ...DEFAULT_TRAIN_CONFIG, episodes: 10 } });
  const out = path.join(ROOT, "out", "demo", "policy.json");
  mkdirSync(path.dirname(out), { recursive: true });
  savePolicyFile(out, run.file);
  return { policy: resolvePolicy(out), source: `${path.relative(ROOT, out)} (trained in ${run.seconds.toFixed(1)} s)` };
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(" | ");
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
  // The scenario's bot if it has one, else the generated worlds' default: an informed trader's capital at 5×.
  const botCfg = scenario.adversaries?.sandwich ?? { capital, leverage: 5 };

  const { policy: shipped, source } = await shippedPolicy();
  const best = demoBestRule(process.env.DEMO_RULE);
  const specs: DemoLineSpec[] = demoLineSpecs(shipped, best.rule, (name) => resolvePolicy(name));
  const third = specs[2];

  const env = await hardhatRunEnv(hre);
  const signers = await hre.ethers.getSigners();
  const taken = new Set(await Promise.all([env.admin, ...env.liquidators, ...env.traders].map((s) => s.getAddress())));
  const botSigner = signers.find((s) => !taken.has(s.address));
  if (!botSigner) throw new Error(`network ${hre.network.name}: no account left for the sandwich bot (needs 28)`);
  const setup = `scenario ${scenario.name} (${base.description}), ${days} simulated days, seed ${seed}; ${env.traders.length} trader accounts, ${arrivalsPerDay} arrivals/day, ${informedProb * 100} % informed (capital ${capital.toLocaleString("en-US")} quote each, ${scenario.traders.informed.leverage}× leverage); sandwich bot with ${botCfg.capital.toLocaleString("en-US")} quote at ${botCfg.leverage}×; keeper decides every ${scenario.decisionIntervalSec / 60} min; every line starts ${process.env.DEMO_START_PHASE ?? 0} s after a whole day of chain time`;
  console.log(`dAMM demo: ${setup}`);
  console.log(`shipped keeper: ${shipped.name} from ${source}; best rule on validation: ${best.rule} — ${best.why}${third.role === "learned" ? `; the shipped keeper IS the best rule, so the third line is the ${third.label}` : ""}`);

  const phase = Number(process.env.DEMO_START_PHASE ?? 0);
  if (!Number.isInteger(phase) || phase < 0 || phase >= 86_400) throw new Error(`DEMO_START_PHASE=${process.env.DEMO_START_PHASE}: must be an integer number of seconds in [0, 86400)`);
  const startTime = (await alignedStartTime(env)) + phase;
  const tRuns = Date.now();
  const lines = await runDemoLines(env, hre.network.provider as never, { scenario, days, seed, arrivalsPerDay, botSigner, bot: botCfg, startTime }, specs, (spec) => {
    const bar = new SingleBar({ format: `${spec.label.padEnd(34)} [{bar}] {percentage}% | gap {gap} bps | budget {budget} | updates {updates}`, hideCursor: true }, Presets.shades_classic);
    let started = false;
    return (done, total, info) => {
      if (!started) {
        bar.start(100, 0, { gap: "0", budget: "0", updates: 0 });
        started = true;
      }
      bar.update(Math.round((100 * done) / total), { gap: info.gapBps.toFixed(1), budget: info.budget.toFixed(0), updates: info.updates });
      if (done === total) bar.stop();
    };
  });
  const runSeconds = (Date.now() - tRuns) / 1000;

  console.log("");
  printTable([TABLE_CORNER, ...lines.map((l) => l.spec.label)], summaryRows(lines));
  console.log(`(informed accounts: ${lines[0].run.informedAccounts} of ${env.traders.length})`);
  for (const l of LEGEND) console.log(`· ${l}`);
  console.log("");
  for (const v of verdictLines(lines)) console.log(v);

  const checks = lineChecks(lines);
  const failed = checks.filter((c) => !c.ok);
  console.log(`\nconsistency: ${checks.length - failed.length}/${checks.length} checks hold${failed.length ? "" : " (per line: budget = start + flows exactly, events = runner, bot's take = its balance change, chain = simulator)"}`);
  for (const c of failed) console.log(`  FAILED [${c.line}] ${c.check}: ${c.detail}`);
  for (const l of lines) for (const m of l.mismatches.slice(0, 5)) console.log(`parity (${l.spec.label}): ${m}`);

  const out = path.join(ROOT, "out", "demo", "report.html");
  writeDemoReport(out, buildDemoReport(lines, { setup, shippedSource: source, bestRule: best.rule, bestRuleWhy: best.why }));
  console.log(`\nreport: ${out}`);
  console.log(`demo finished in ${((Date.now() - t0) / 1000).toFixed(1)} s (three on-chain runs ${runSeconds.toFixed(1)} s: ${lines.map((l) => `${l.seconds.toFixed(1)}`).join(" + ")})`);
  if (failed.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
