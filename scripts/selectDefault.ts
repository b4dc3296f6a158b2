/**
 * `npm run select:default`: evaluates the learned policy and every registered rule on the
 * validation split and writes policies/selection.json, from which the policy registry resolves
 * "default" (keeper/policy/defaultSelection.ts: the highest mean protocol net revenue among the
 * candidates tracking no worse than static, overall and in every family). The keeper, evaluate and
 * the demo pick it up by name.
 * Judged on the first `--per-family` validation scenarios of every family (as the release judges the
 * test split), so a rule that wins the common families but loses the crashes is not chosen by the mix.
 *   npm run select:default -- --per-family 20 --threads 2
 */
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { Command } from "commander";
import { evaluate, defaultThreads } from "../keeper/policy/eval/evaluate";
import { familyLookup, resolveScenarioSource } from "../keeper/policy/eval/scenarioSource";
import { formatPairedTable } from "../keeper/policy/eval/pairedTable";
import { pairedComparison } from "../keeper/policy/eval/paired";
import { familyMeanGaps, formatFamilyTable } from "../keeper/policy/eval/familyTable";
import { chooseDefault, trackingShortfalls, LEARNED_NAME, SELECTION_KIND, selectionPath, type Selection } from "../keeper/policy/defaultSelection";
import { BASELINE_NAMES, REPO_ROOT } from "../keeper/resolve/policyResolver";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";

const DEFAULT_CANDIDATES = [LEARNED_NAME, ...BASELINE_NAMES].join(",");

const o = new Command()
  .name("select:default")
  .option("--per-family <n>", "validation scenarios per family", intOption("--per-family", 2), 20)
  .option("--threads <n>", "worker threads", intOption("--threads", 0), defaultThreads())
  .option("--candidates <list>", "comma-separated candidates (a rule may carry options: depth-seeking{\"repegAboveBps\":10})", DEFAULT_CANDIDATES)
  .parse()
  .opts<{ perFamily: number; threads: number; candidates: string }>();

async function main(): Promise<void> {
  const policies = splitPolicyList(o.candidates);
  const source = resolveScenarioSource("validation", { count: 2, perFamily: o.perFamily, seeds: 2, projectRoot: REPO_ROOT });
  const out = await evaluate({ policies, source, seeds: 2, threads: o.threads, replay: false });
  const familyOf = familyLookup(source.cases.map((c) => c.scenario));
  const metric = (p: string, key: string) => out.report.metrics.find((m) => m.key === key)!.rows.find((r) => r.policy === p)!.mean;
  const candidates = policies.map((p) => ({ policy: p, netRevenue: metric(p, "netRevenue"), meanGapBps: metric(p, "meanGapBps"), cvar5NetRevenue: metric(p, "cvar5NetRevenue"), familyMeanGapBps: familyMeanGaps(out.episodes, p, familyOf) }));
  const commit = execSync("git rev-parse HEAD", { cwd: REPO_ROOT }).toString().trim();
  const selection: Selection = {
    kind: SELECTION_KIND,
    schemaVersion: 1,
    command: `npm run select:default -- --per-family ${o.perFamily}${o.candidates === DEFAULT_CANDIDATES ? "" : ` --candidates '${o.candidates}'`}`,
    commit,
    split: "validation",
    scenarios: source.cases.length,
    candidates,
  };
  const chosen = chooseDefault(candidates);
  const path = selectionPath(REPO_ROOT);
  writeFileSync(path, JSON.stringify(selection, null, 1) + "\n");
  const noKeeper = candidates.find((c) => c.policy === "static");
  const wider = (c: (typeof candidates)[number]) => {
    const shortfalls = noKeeper ? trackingShortfalls(c, noKeeper) : [];
    return shortfalls.length > 0 ? `   (tracks worse than no keeper: ${shortfalls.join(", ")})` : "";
  };
  for (const c of [...candidates].sort((a, b) => b.netRevenue - a.netRevenue))
    console.log(`${c.policy.padEnd(16)} net revenue ${c.netRevenue.toExponential(4)}  mean gap ${c.meanGapBps.toFixed(2)} bps  CVaR 5 % ${c.cvar5NetRevenue.toExponential(4)}${c.policy === chosen ? "   ← default" : ""}${wider(c)}`);
  const rules = candidates.filter((c) => c.policy !== LEARNED_NAME && c.policy !== "static");
  const bestRule = rules.reduce((a, b) => (b.netRevenue > a.netRevenue ? b : a), rules[0]);
  if (bestRule && policies.includes(LEARNED_NAME)) {
    const rows = pairedComparison(out.episodes, bestRule.policy, [LEARNED_NAME], [
      { key: "netRevenue", better: "higher" },
      { key: "meanGapBps", better: "lower" },
    ]);
    console.log(`\nlearned vs the best rule on validation (${bestRule.policy}), paired:`);
    console.log(formatPairedTable(rows));
    console.log(`\nper family (validation; mean net revenue / mean gap bps):`);
    console.log(formatFamilyTable(out.episodes, policies, LEARNED_NAME, bestRule.policy, familyOf));
  }
  console.log(`\n"default" now resolves to ${chosen}; wrote ${relative(process.cwd(), path)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
