/**
 * Evaluates policies on a scenario set × seeds in parallel (worker threads) and prints every
 * DESIGN §9 metric with 95% t-intervals over seeds; writes out/eval/<set>.json and the HTML
 * report out/report/index.html.
 *   npm run evaluate -- --policies default,static,formulaic,threshold --scenarios test --seeds 10
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { evaluate, defaultThreads } from "../keeper/policy/eval/evaluate";
import { formatMetricsTable } from "../keeper/policy/eval/textTable";
import { writeReport } from "../keeper/policy/report/htmlReport";
import { parseScenarioSet } from "../keeper/policy/simAdapter";

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
};

const o = new Command()
  .name("evaluate")
  .option("--policies <list>", "comma-separated policy names or policy files", "default,static,formulaic,threshold")
  .option("--scenarios <set>", "scenario set (train|test)", "test")
  .option("--seeds <n>", "seeds per scenario", int("--seeds", 2), 10)
  .option("--threads <n>", "worker threads (0 = in-process)", int("--threads", 0), defaultThreads())
  .option("--json <path>", "JSON output (default out/eval/<set>.json)")
  .option("--report <path>", "HTML report", "out/report/index.html")
  .option("--no-replay", "skip the replay of a real price series")
  .option("--quiet", "no progress bar")
  .parse()
  .opts<{ policies: string; scenarios: string; seeds: number; threads: number; json?: string; report: string; replay: boolean; quiet?: boolean }>();

async function main(): Promise<void> {
  const set = parseScenarioSet(o.scenarios);
  const policies = o.policies.split(",").map((s) => s.trim()).filter(Boolean);
  const bar = o.quiet ? null : new SingleBar({ format: "evaluate |{bar}| {value}/{total} episodes | {last}", hideCursor: true }, Presets.shades_classic);
  let started = false;
  const t0 = Date.now();
  const out = await evaluate({
    policies,
    set,
    seeds: o.seeds,
    threads: o.threads,
    replay: o.replay,
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
  console.log(`\n${set} set, ${o.seeds} seeds per scenario, ${out.episodes.length} episodes in ${secs.toFixed(1)} s; mean [95% t-interval over seeds]`);
  console.log(formatMetricsTable(out.report.metrics, policies));
  console.log("");
  for (const l of out.report.verdict) console.log(l);
  const json = resolve(o.json ?? `out/eval/${set}.json`);
  mkdirSync(resolve(json, ".."), { recursive: true });
  writeFileSync(
    json,
    JSON.stringify({ set, seeds: o.seeds, policies, metrics: out.report.metrics, rewardParts: out.report.rewardParts, verdict: out.report.verdict, goalMet: out.goalMet, episodes: out.episodes.map(({ trace: _t, ...e }) => e) }, null, 1) + "\n",
  );
  const report = resolve(o.report);
  writeReport(report, out.report);
  console.log(`wrote ${json}\nwrote ${report}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
