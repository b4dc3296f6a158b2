/**
 * `npm run evaluate:stolen-key`: every policy on the same scenarios and seeds twice — with a key thief
 * (scenario option adversaries.stolenKey; the other adversaries taken out to isolate it) and without —
 * and per policy the paired 95 % intervals of what it costs: protocol net revenue, budget, uninformed
 * traders' loss, liquidations; next to the thief's own figures (budget its hooks spent, calls, depth cut).
 *   npm run evaluate:stolen-key -- --scenarios validation --count 20
 */
import { Command } from "commander";
import { resolveScenarioSource } from "../keeper/policy/eval/scenarioSource";
import { meanInterval } from "../keeper/policy/eval/stats";
import { fmtInterval, markdownTable } from "../keeper/policy/eval/textTable";
import { BASELINE_NAMES, REPO_ROOT, resolvePolicy } from "../keeper/policy/policyRegistry";
import { runEpisode } from "../keeper/sim/episode";
import type { EpisodeMetrics } from "../keeper/sim/metrics";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";


const o = new Command()
  .name("evaluate:stolen-key")
  .option("--policies <list>", "comma-separated policies", ["static", ...BASELINE_NAMES.filter((n) => n !== "static")].join(","))
  .option("--scenarios <source>", "train | validation | FILE | DIR", "validation")
  .option("--count <n>", "generated scenarios of a split", intOption("--count", 2), 20)
  .option("--seeds <n>", "seeds per scenario file", intOption("--seeds", 1), 20)
  .parse()
  .opts<{ policies: string; scenarios: string; count: number; seeds: number }>();

function main(): void {
  const policies = splitPolicyList(o.policies);
  const src = resolveScenarioSource(o.scenarios, { count: o.count, seeds: o.seeds, projectRoot: REPO_ROOT, adversaries: false });
  console.log(`${src.label}: ${src.cases.length} paired episodes per policy; mean [95% t-interval] per episode, key thief on − off`);
  const rows: string[][] = [];
  for (const p of policies) {
    const on: EpisodeMetrics[] = [];
    const off: EpisodeMetrics[] = [];
    for (const c of src.cases) {
      off.push(runEpisode(c.scenario, resolvePolicy(p), c.seed, { projectRoot: REPO_ROOT, trace: false }).metrics);
      on.push(runEpisode({ ...c.scenario, adversaries: { stolenKey: true } }, resolvePolicy(p), c.seed, { projectRoot: REPO_ROOT, trace: false }).metrics);
    }
    const d = (g: (m: EpisodeMetrics) => number) => meanInterval(on.map((m, i) => g(m) - g(off[i])));
    rows.push([
      p,
      fmtInterval(meanInterval(off.map((m) => m.protocolNetRevenue))),
      fmtInterval(d((m) => m.protocolNetRevenue)),
      fmtInterval(d((m) => m.uninformedLoss)),
      fmtInterval(d((m) => m.liquidations)),
      fmtInterval(meanInterval(on.map((m) => m.stolenKeySpent))),
      fmtInterval(meanInterval(on.map((m) => m.stolenKeyCalls))),
      fmtInterval(meanInterval(on.map((m) => m.stolenKeyDepthCut * 100))),
    ]);
  }
  const header = ["policy", "net revenue, no thief", "Δ net revenue", "Δ uninformed loss", "Δ liquidations", "thief's hook spend", "thief's calls", "depth cut %"];
  console.log(markdownTable(header, rows));
}

try {
  main();
} catch (e: unknown) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
