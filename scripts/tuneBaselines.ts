/**
 * `npm run tune:baselines`: grid search of the rules' options on the train split (keeper/policy/
 * baselines/tune.ts), printed and written to keeper/policy/baselines/tuned.json, which the policy
 * registry loads: the tuned values ship.
 *   npm run tune:baselines -- --count 24 --threads 2     (what tuned.json ships)
 *   npm run tune:baselines -- --per-family 10 --tracking typical
 */
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Command } from "commander";
import { OBJECTIVES, checkMergeable, mergeTuneResults, mergeTunedBy, readMergeTarget, tuneBaselines, type TrackingConstraint, type TuneResult } from "../keeper/policy/baselines/tune";
import { TUNED_FILE } from "../keeper/policy/baselines/ruleCatalog";
import { defaultThreads } from "../keeper/policy/eval/evaluate";
import { REPO_ROOT } from "../keeper/resolve/policyResolver";
import { fmtNum } from "../keeper/policy/report/htmlReport";
import { intOption } from "./cliOptions";


const program = new Command()
  .name("tune:baselines")
  .option("--split <split>", "train (the only split tuning may use; validation for a check)", "train")
  .option("--count <n>", "generated scenarios of the split (its first n, in the generator's family weights)", intOption("--count", 2), 16)
  .option("--tracking <mean|typical>", "what 'tracks no worse than no keeper' means: the mean gap (default) or the per-scenario gap ratio's geometric mean", "mean")
  .option("--per-family <n>", "instead of --count: the first n scenarios of each family, weighted alike as the judges weigh them", intOption("--per-family", 1))
  .option("--threads <n>", "worker threads", intOption("--threads", 0), defaultThreads())
  .option("--rules <list>", "comma-separated rules (default: every rule with a grid); the other rules keep their tuning in --out")
  .option("--out <path>", "tuned options file", TUNED_FILE)
  .parse();
const o = program.opts<{ split: string; count: number; perFamily?: number; tracking: string; threads: number; rules?: string; out: string }>();

function print(r: TuneResult): void {
  console.log(`objective: ${r.objective}`);
  console.log(`static (reference) on ${r.split}: net revenue ${fmtNum(r.reference.netRevenue)}, mean gap ${fmtNum(r.reference.meanGapBps)} bps`);
  for (const [rule, g] of Object.entries(r.grids)) {
    console.log(`\n${rule}: grid ${Object.entries(g.grid).map(([k, v]) => `${k} ∈ {${v.join(", ")}}`).join(", ")}`);
    const sorted = [...g.settings].sort((a, b) => b.netRevenue - a.netRevenue);
    for (const s of sorted) {
      const chosen = JSON.stringify(s.options) === JSON.stringify(r.rules[rule]);
      console.log(`  ${chosen ? "→" : " "} ${JSON.stringify(s.options).padEnd(100)} net revenue ${fmtNum(s.netRevenue).padStart(11)}  mean gap ${fmtNum(s.meanGapBps).padStart(7)} bps  gap ÷ static ${s.gapRatioToStatic.toFixed(4)}${s.feasible ? "" : "  (tracks worse than static)"}`);
    }
  }
}

async function main(): Promise<void> {
  if (o.perFamily !== undefined && program.getOptionValueSource("count") === "cli") throw new Error("--count and --per-family are two ways to choose the scenarios: give one");
  if (o.tracking !== "mean" && o.tracking !== "typical") throw new Error(`--tracking must be mean or typical, got "${o.tracking}"`);
  if (o.split !== "train" && o.split !== "validation") throw new Error(`--split must be train or validation (the test split is sealed), got "${o.split}"`);
  const file = resolve(o.out);
  const where = relative(process.cwd(), file);
  const previous = o.rules !== undefined ? readMergeTarget(file, where) : undefined;
  // Refuse before tuning, not after: a tuning of some rules must fit the file that keeps the others.
  if (previous !== undefined) checkMergeable(previous, { split: o.split, count: o.perFamily === undefined ? o.count : undefined, perFamily: o.perFamily, objective: OBJECTIVES[o.tracking as TrackingConstraint] }, where);
  const t0 = Date.now();
  let last = 0;
  const r = await tuneBaselines({
    split: o.split,
    count: o.count,
    perFamily: o.perFamily,
    tracking: o.tracking as TrackingConstraint,
    threads: o.threads,
    projectRoot: REPO_ROOT,
    rules: o.rules?.split(",").map((s) => s.trim()),
    onProgress: (d, t) => {
      if (d - last >= t / 20 || d === t) {
        last = d;
        process.stderr.write(`  ${d}/${t} episodes\n`);
      }
    },
  });
  print(r);
  const commit = execSync("git rev-parse HEAD", { cwd: REPO_ROOT }).toString().trim();
  // Read again: the file may have changed while the rules were tuned (checked again by the merge).
  const latest = o.rules !== undefined ? readMergeTarget(file, where) : undefined;
  const kept = latest === undefined ? r : mergeTuneResults(latest, r, where);
  const others = Object.keys(kept.rules).filter((rule) => !(rule in r.rules));
  const command = `npm run tune:baselines -- --split ${o.split} ${o.perFamily === undefined ? `--count ${o.count}` : `--per-family ${o.perFamily}`}${o.tracking === "mean" ? "" : ` --tracking ${o.tracking}`}${o.rules === undefined ? "" : ` --rules ${Object.keys(r.rules).join(",")}`}`;
  const generatedBy = others.length === 0 ? command : `${command} (${others.join(", ")} kept from the previous tuning)`;
  const tunedBy = mergeTunedBy(latest, Object.keys(kept.rules), Object.keys(r.rules), { generatedBy: command, commit });
  writeFileSync(file, JSON.stringify({ generatedBy, commit, seconds: (Date.now() - t0) / 1000, tunedBy, ...kept }, null, 1) + "\n");
  console.log(`\n${((Date.now() - t0) / 1000).toFixed(1)} s; wrote ${relative(process.cwd(), file)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
