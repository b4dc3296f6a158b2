/**
 * Evaluates policies in parallel (worker threads) and prints every DESIGN §9 metric with 95 %
 * t-intervals over seeds, then paired 95 % intervals of each policy against a reference (same seeds,
 * same paths); writes out/eval/<source>.json and the HTML report out/report/index.html.
 *   npm run evaluate                                      (validation split, 20 scenarios, every rule + default)
 *   npm run evaluate -- --scenarios train --count 30
 *   npm run evaluate -- --scenarios path/to/my.json       (a scenario file of yours; --seeds 20 seeds)
 *   npm run evaluate -- --scenarios path/to/dir/          (every *.json in it)
 *   npm run evaluate -- --scenarios validation --per-family 20 --verdict
 *                                                         (the release's goal judgement, on validation)
 * The test split is sealed: `npm run evaluate:release` is the only way to look at it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Command } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { evaluate, defaultThreads } from "../keeper/policy/eval/evaluate";
import { formatMetricsTable } from "../keeper/policy/eval/textTable";
import { formatPairedTable } from "../keeper/policy/eval/pairedTable";
import { resolveScenarioSource } from "../keeper/policy/eval/scenarioSource";
import { writeReport } from "../keeper/policy/report/htmlReport";
import { BASELINE_NAMES, REPO_ROOT } from "../keeper/resolve/policyResolver";
import { intOption } from "./cliOptions";
import { splitPolicyList } from "../keeper/policy/baselines/ruleCatalog";


/** Tables the project reports rest on at least this many paired seeds (DESIGN §9). */
const REPORTABLE_SEEDS = 20;

const o = new Command()
  .name("evaluate")
  .option("--policies <list>", "comma-separated policy names or policy files (a rule may carry options: threshold{\"repegAboveBps\":20})", ["learned", ...BASELINE_NAMES].join(","))
  .option("--scenarios <source>", "train | validation (generated splits) | FILE | DIR of scenario JSON files", "validation")
  .option("--count <n>", "generated scenarios taken from a split (one seed each)", intOption("--count", 2), 20)
  .option("--per-family <n>", "instead of --count: the first n scenarios of every family of the split (as the release judges)", intOption("--per-family", 2))
  .option("--seeds <n>", "seeds per scenario file", intOption("--seeds", 2), 20)
  .option("--reference <policy>", "policy the paired intervals are taken against (default: static)")
  .option("--judge <policy>", "the policy the goal verdict judges (default: the first learned policy)")
  .option("--verdict", "print the goal judgement in full: a table per family, overall, the real-price windows, the verdict lines")
  .option("--threads <n>", "worker threads (0 = in-process)", intOption("--threads", 0), defaultThreads())
  .option("--json <path>", "JSON output (default out/eval/<source>.json)")
  .option("--report <path>", "HTML report", "out/report/index.html")
  .option("--no-adversaries", "take the adversaries (sandwich bot) out of every scenario")
  .option("--no-replay", "skip the replay trace of a real price series")
  .option("--quiet", "no progress bar")
  .parse()
  .opts<{ policies: string; scenarios: string; count: number; perFamily?: number; seeds: number; reference?: string; judge?: string; verdict?: boolean; threads: number; json?: string; report: string; replay: boolean; adversaries: boolean; quiet?: boolean }>();

async function main(): Promise<void> {
  const source = resolveScenarioSource(o.scenarios, { count: o.count, perFamily: o.perFamily, seeds: o.seeds, projectRoot: REPO_ROOT, adversaries: o.adversaries });
  const withBot = source.cases.filter((c) => c.scenario.adversaries.sandwich !== undefined).length;
  const policies = splitPolicyList(o.policies);
  const bar = o.quiet ? null : new SingleBar({ format: "evaluate |{bar}| {value}/{total} episodes | {last}", hideCursor: true }, Presets.shades_classic);
  let started = false;
  const t0 = Date.now();
  const out = await evaluate({
    policies,
    source,
    seeds: o.seeds,
    threads: o.threads,
    replay: o.replay,
    reference: o.reference,
    judged: o.judge,
    onProgress: (done, total, last) => {
      if (!bar) return;
      if (!started) {
        bar.start(total, 0, { last: "" });
        started = true;
      }
      bar.update(done, { last: `${last.policy}/${last.scenario}` });
    },
  });
  bar?.stop();
  const secs = (Date.now() - t0) / 1000;
  console.log(`\n${source.label}: ${out.episodes.length} episodes in ${secs.toFixed(1)} s; mean [95% t-interval over ${out.pairedUnits} seeds]`);
  console.log(`adversaries: sandwich bot in ${withBot}/${source.cases.length} scenarios${o.adversaries ? "" : " (--no-adversaries)"}`);
  if (out.pairedUnits < REPORTABLE_SEEDS) console.log(`NOTE: ${out.pairedUnits} seeds < ${REPORTABLE_SEEDS}: exploratory, not a table to report`);
  console.log(formatMetricsTable(out.report.metrics, policies));
  console.log(`\npaired against ${out.reference} (same seeds, same paths):`);
  console.log(formatPairedTable(out.paired.filter((r) => r.metric === "netRevenue" || r.metric === "meanGapBps" || r.metric === "informedProfit")));
  console.log("");
  if (o.verdict) console.log(out.goalText ?? "no goal verdict: it needs a judged (learned) policy and at least one rule");
  else for (const l of out.goal?.lines ?? ["no goal verdict: no judged (learned) policy and rule evaluated together"]) console.log(l);
  const tag = (source.split ?? basename(o.scenarios).replace(/\.json$/, "")) + (o.adversaries ? "" : "-no-adversaries");
  const json = resolve(o.json ?? `out/eval/${tag}.json`);
  mkdirSync(resolve(json, ".."), { recursive: true });
  writeFileSync(
    json,
    JSON.stringify({ source: source.label, seeds: out.pairedUnits, policies, reference: out.reference, metrics: out.report.metrics, paired: out.paired, rewardParts: out.report.rewardParts, verdict: out.report.verdict, goalMet: out.goalMet, goal: out.goal, episodes: out.episodes.map(({ trace: _t, ...e }) => e) }, null, 1) + "\n",
  );
  const report = resolve(o.report);
  writeReport(report, out.report);
  console.log(`wrote ${json}\nwrote ${report}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
