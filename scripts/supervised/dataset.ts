/**
 * `npm run supervised:dataset -- --scenarios train --out out/supervised/sim-records.json`:
 * simulated adjustment records (simAdjustments.ts) from the shipped Q-policy and the baselines,
 * written as a JSON array of AdjustmentRecords (the input of `supervised:eval --sim-records`).
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { loadScenarioSet } from "../../keeper/sim/scenario";
import { REPO_ROOT, resolvePolicy } from "../../keeper/resolve/policyResolver";
import { parseScenarioSet } from "../../keeper/policy/simAdapter";
import { DEFAULT_SIM_DATASET_OPTIONS, simAdjustmentRecords, toRecordJson } from "../../keeper/supervised/simAdjustments";
import { successLabel } from "../../keeper/supervised/adjustmentRecord";
import { cliNumber as num } from "../../keeper/supervised/cliNumber";
import { splitPolicyList } from "../../keeper/policy/baselines/ruleCatalog";

interface CliOptions {
  scenarios: string;
  out: string;
  policies: string;
  seeds: string;
  epsilon: string;
  windowHours: string;
  explorationSeed: string;
}

function main(argv: string[]): void {
  const o = new Command()
    .name("supervised:dataset")
    .option("--scenarios <set>", "scenario set (train|test)", "train")
    .option("--out <file>", "JSON array of AdjustmentRecords", "out/supervised/sim-records.json")
    .option("--policies <list>", "policies that act (ε-greedy around each)", "default,static,formulaic,threshold")
    .option("--seeds <n>", "seeds per scenario (1..n)", "3")
    .option("--epsilon <p>", "exploration: probability of a random non-hold action", String(DEFAULT_SIM_DATASET_OPTIONS.epsilon))
    .option("--window-hours <h>", "fees are summed over this many hours after a change", String(DEFAULT_SIM_DATASET_OPTIONS.windowHours))
    .option("--exploration-seed <n>", "seed of the exploration RNG", String(DEFAULT_SIM_DATASET_OPTIONS.explorationSeed))
    .parse(argv)
    .opts<CliOptions>();
  const set = parseScenarioSet(o.scenarios);
  const nSeeds = num("seeds", o.seeds, true);
  if (nSeeds < 1) throw new Error(`--seeds must be >= 1, got ${nSeeds}`);
  const names = splitPolicyList(o.policies);
  const policies = names.map((name) => ({ name, policy: resolvePolicy(name) }));
  const scenarios = loadScenarioSet(set, REPO_ROOT);
  const t0 = Date.now();
  const res = simAdjustmentRecords(scenarios, policies, {
    seeds: Array.from({ length: nSeeds }, (_, i) => i + 1),
    epsilon: num("epsilon", o.epsilon),
    windowHours: num("window-hours", o.windowHours),
    explorationSeed: num("exploration-seed", o.explorationSeed, true),
    projectRoot: REPO_ROOT,
  });
  const records = [...res.records].sort((a, b) => a.time - b.time);
  const labels = records.map(successLabel);
  const labelled = labels.filter((l) => l !== null).length;
  const successes = labels.filter((l) => l === 1).length;
  console.log(
    `${set} set: ${res.episodes} episodes (${scenarios.length} scenarios × ${nSeeds} seeds × ${names.join(",")}) in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
      `${records.length} applied adjustments (${records.filter((r) => r.kind === "repeg").length} repeg, ${records.filter((r) => r.kind === "k").length} k, ` +
      `${records.filter((r) => r.explored).length} explored), ${labelled} labelled, success rate ${(successes / Math.max(1, labelled)).toFixed(3)}; refused: ${JSON.stringify(res.refused)}`,
  );
  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  fs.writeFileSync(o.out, JSON.stringify(records.map(toRecordJson)) + "\n");
  console.log(`wrote ${path.resolve(o.out)}`);
}

try {
  main(process.argv);
} catch (e) {
  console.error(`supervised:dataset failed: ${(e as Error).message}`);
  process.exitCode = 1;
}
