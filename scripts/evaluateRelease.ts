/**
 * `npm run evaluate:release`: judges the shipped policy on the sealed test split against the best
 * tuned rule (DESIGN §9 "The goal") — per scenario family, overall and on the real-price windows on
 * their own, paired, with the sandwich bot present in every scenario — and records the look (commit,
 * policy checksums, running count, figures per family) in docs/test-looks.json — commit that file
 * afterwards. The lead decides when to look.
 *   npm run evaluate:release -- --policies default,drift,depth-seeking,threshold,formulaic,static
 */
import { resolve } from "node:path";
import { Command } from "commander";
import { runRelease, LOOKS_FILE, MIN_PER_FAMILY } from "../keeper/policy/eval/release";
import { defaultThreads } from "../keeper/policy/eval/evaluate";
import { formatMetricsTable } from "../keeper/policy/eval/textTable";
import { formatPairedTable } from "../keeper/policy/eval/pairedTable";
import { BASELINE_NAMES, REPO_ROOT } from "../keeper/resolve/policyResolver";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";


const o = new Command()
  .name("evaluate:release")
  .option("--policies <list>", "comma-separated policies: the judged one and the tuned rules", ["default", ...BASELINE_NAMES].join(","))
  .option("--judge <policy>", "the policy the goal verdict judges", "default")
  .option("--per-family <n>", `test scenarios per family (one seed each; ≥ ${MIN_PER_FAMILY})`, intOption("--per-family", MIN_PER_FAMILY), 30)
  .option("--threads <n>", "worker threads", intOption("--threads", 0), defaultThreads())
  .parse()
  .opts<{ policies: string; judge: string; perFamily: number; threads: number }>();

async function main(): Promise<void> {
  const policies = splitPolicyList(o.policies);
  const t0 = Date.now();
  const { look, out } = await runRelease({ policies, judged: o.judge, perFamily: o.perFamily, threads: o.threads, projectRoot: REPO_ROOT, looksFile: resolve(REPO_ROOT, LOOKS_FILE) });
  console.log(`LOOK #${look.look} at the test split (commit ${look.commit}); recorded in ${LOOKS_FILE} — commit it.`);
  console.log(`${look.scenarios}; ${look.adversaries}; ${out.episodes.length} episodes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`\nevery metric, all scenarios (mean [95 % t-interval over ${out.pairedUnits} seeds]):`);
  console.log(formatMetricsTable(out.report.metrics, policies));
  console.log(`\npaired against ${out.reference}:`);
  console.log(formatPairedTable(out.paired.filter((r) => r.metric === "netRevenue" || r.metric === "meanGapBps" || r.metric === "sandwichTake")));
  console.log("");
  console.log(out.goalText);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
