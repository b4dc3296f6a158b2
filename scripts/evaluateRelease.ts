/**
 * `npm run evaluate:release`: judges policies on the sealed test split and records the look (commit,
 * policy checksums, running count, figures) in docs/test-looks.json — commit that file afterwards.
 * The lead decides when to look.
 *   /work/bin/cpu-slot npm run evaluate:release -- --policies learned,drift,depth-seeking,threshold,formulaic,static
 */
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { runRelease, LOOKS_FILE } from "../keeper/policy/eval/release";
import { defaultThreads } from "../keeper/policy/eval/evaluate";
import { formatMetricsTable } from "../keeper/policy/eval/textTable";
import { formatPairedTable } from "../keeper/policy/eval/pairedTable";
import { BASELINE_NAMES, REPO_ROOT } from "../keeper/resolve/policyResolver";
import { formatFamilyTable } from "../keeper/policy/eval/familyTable";
import { bestRuleOnValidation, LEARNED_NAME } from "../keeper/policy/defaultSelection";

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
};

const o = new Command()
  .name("evaluate:release")
  .option("--policies <list>", "comma-separated policies (learned = policies/default.json; default = the one selected on validation)", [LEARNED_NAME, ...BASELINE_NAMES].join(","))
  .option("--reference <policy>", "rule the learned policy is compared with per family (default: the best rule on validation, policies/selection.json)")
  .option("--count <n>", "test scenarios (one seed each)", int("--count", 20), 40)
  .option("--threads <n>", "worker threads", int("--threads", 0), defaultThreads())
  .parse()
  .opts<{ policies: string; count: number; threads: number; reference?: string }>();

async function main(): Promise<void> {
  const policies = o.policies.split(",").map((s) => s.trim()).filter(Boolean);
  const { look, out } = await runRelease({ policies, count: o.count, threads: o.threads, projectRoot: REPO_ROOT, looksFile: resolve(REPO_ROOT, LOOKS_FILE) });
  console.log(`LOOK #${look.look} at the test split (commit ${look.commit}); recorded in ${LOOKS_FILE} — commit it.`);
  console.log(formatMetricsTable(out.report.metrics, policies));
  console.log(`\npaired against ${out.reference}:`);
  console.log(formatPairedTable(out.paired.filter((r) => r.metric === "netRevenue" || r.metric === "meanGapBps")));
  for (const l of out.report.verdict) console.log(l);
  const reference = o.reference ?? bestRuleOnValidation(REPO_ROOT);
  if (reference && policies.includes(LEARNED_NAME) && policies.includes(reference)) {
    console.log(`\nper family (test; mean net revenue / mean gap bps; real = the real-price windows):`);
    console.log(formatFamilyTable(out.episodes, policies, LEARNED_NAME, reference));
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
