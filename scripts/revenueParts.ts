/**
 * Where protocol net revenue comes from, per scenario family and policy (issue 16, "why it falls
 * short"): fees, liquidation fees kept, net funding, the hooks' PnL and bad debt, each a mean per
 * episode over the same scenarios and seeds, and the share of the revenue a keeper's choices move.
 * Also the hindsight ceiling of the listed policies: per scenario the best of them, chosen after
 * the fact, divided by the reference's revenue. Train and validation only (the test split is sealed).
 *   npm run evaluate:parts -- --policies static,threshold,learned --per-family 20 [--reference threshold]
 */
import { Command } from "commander";
import { runEpisode } from "../keeper/sim/episode";
import { revenuePartsOf, type RevenueParts } from "../keeper/sim/metrics";
import { resolveScenarioSource, scenarioFamily } from "../keeper/policy/eval/scenarioSource";
import { REPO_ROOT, resolvePolicy } from "../keeper/resolve/policyResolver";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";

const o = new Command()
  .name("evaluate:parts")
  .option("--policies <list>", "comma-separated policy names or files", "static,threshold,learned")
  .option("--scenarios <split>", "train | validation", "validation")
  .option("--per-family <n>", "scenarios per family", intOption("--per-family", 1), 20)
  .option("--reference <policy>", "the policy the ceiling is divided by (default: the second listed)")
  .parse()
  .opts<{ policies: string; scenarios: string; perFamily: number; reference?: string }>();

interface Parts extends RevenueParts {
  readonly netRevenue: number;
  readonly volume: number;
}
const PART_KEYS: (keyof Parts)[] = ["netRevenue", "fees", "liquidationFeesKept", "netFunding", "hookPnl", "badDebt", "volume"];

function main(): void {
  if (o.scenarios !== "train" && o.scenarios !== "validation") throw new Error(`--scenarios must be train or validation (the test split is sealed), got "${o.scenarios}"`);
  const policies = splitPolicyList(o.policies);
  const reference = o.reference ?? policies[Math.min(1, policies.length - 1)];
  if (!policies.includes(reference)) throw new Error(`--reference ${reference} is not among --policies`);
  const source = resolveScenarioSource(o.scenarios, { perFamily: o.perFamily, count: 0, seeds: 1, projectRoot: REPO_ROOT });
  const byFamily = new Map<string, Map<string, Parts[]>>();
  const revenue = new Map<string, Map<string, number>>(); // scenario → policy → revenue
  for (const c of source.cases) {
    const fam = scenarioFamily(c.scenario);
    for (const p of policies) {
      const { metrics: m } = runEpisode(c.scenario, resolvePolicy(p), c.seed, { projectRoot: REPO_ROOT, trace: false });
      const parts: Parts = { netRevenue: m.protocolNetRevenue, ...revenuePartsOf(m), volume: m.volume };
      const fm = byFamily.get(fam) ?? new Map<string, Parts[]>();
      fm.set(p, [...(fm.get(p) ?? []), parts]);
      byFamily.set(fam, fm);
      const key = `${c.scenario.name}#${c.seed}`;
      revenue.set(key, (revenue.get(key) ?? new Map()).set(p, m.protocolNetRevenue));
    }
  }
  const e = (x: number) => x.toExponential(3);
  console.log(`${source.label}: mean per episode; hook PnL = −(hook costs), bad debt as a loss`);
  console.log(`| family | policy | ${PART_KEYS.join(" | ")} |`);
  console.log(`|---|---|${PART_KEYS.map(() => "---:").join("|")}|`);
  for (const [fam, fm] of [...byFamily].sort()) {
    for (const [p, list] of fm) {
      const mean = (k: keyof Parts) => list.reduce((a, x) => a + x[k], 0) / list.length;
      console.log(`| ${fam} | ${p} | ${PART_KEYS.map((k) => e(mean(k))).join(" | ")} |`);
    }
  }
  console.log(`\nhindsight ceiling: per scenario the best of {${policies.join(", ")}} chosen after the fact, ÷ ${reference}:`);
  const fams = [...byFamily.keys()].sort();
  for (const fam of [...fams, "overall"]) {
    let best = 0;
    let ref = 0;
    for (const [key, byP] of revenue) {
      const sc = source.cases.find((c) => `${c.scenario.name}#${c.seed}` === key)!.scenario;
      if (fam !== "overall" && scenarioFamily(sc) !== fam) continue;
      best += Math.max(...byP.values());
      ref += byP.get(reference)!;
    }
    console.log(`  ${fam.padEnd(12)} ${(best / ref).toFixed(3)}×`);
  }
}

main();
