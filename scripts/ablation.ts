/**
 * Ablation of the state (DESIGN §8: extra dimensions only where an ablation shows they help):
 * imbalance-only vs imbalance + mark–oracle gap bucket (both with the default tracking shield),
 * and of the shield itself (imbalance + gap without it). All are trained on the train set with the
 * same learner and seed, compared on the train set (the tuning figures) and reported on the test
 * set. Writes out/ablation/ablation.json.
 *   npm run ablation -- [--seeds 8] [--episodes N]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../keeper/policy/training/defaultRun";
import { runTraining } from "../keeper/policy/training/runTraining";
import { savePolicyFile } from "../keeper/policy/policyFile";
import { IMBALANCE_ONLY_STATE, type MdpConfig } from "../keeper/policy/mdpConfig";
import { evaluate, defaultThreads } from "../keeper/policy/eval/evaluate";
import { formatMetricsTable } from "../keeper/policy/eval/textTable";
import type { ScenarioSet } from "../keeper/policy/simAdapter";

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError(`${name} must be an integer ≥ 2, got "${v}"`);
  return n;
};
const o = new Command()
  .option("--seeds <n>", "evaluation seeds per scenario", int("--seeds"), 8)
  .option("--episodes <n>", "training episodes", int("--episodes"), DEFAULT_TRAIN_CONFIG.episodes)
  .option("--threads <n>", "worker threads", (v) => Number(v), defaultThreads())
  .parse()
  .opts<{ seeds: number; episodes: number; threads: number }>();

const gapState = { ...IMBALANCE_ONLY_STATE, gapBps: DEFAULT_TRAIN_MDP.state.gapBps ?? { edges: [-50, -15, -5, 5, 15, 50] } };
const { trackingShield: _shield, ...unshielded } = DEFAULT_TRAIN_MDP;
const variants: { name: string; mdp: MdpConfig }[] = [
  { name: "imbalance-only", mdp: { ...DEFAULT_TRAIN_MDP, state: IMBALANCE_ONLY_STATE } },
  { name: "imbalance+gap", mdp: { ...DEFAULT_TRAIN_MDP, state: gapState } },
  { name: "imbalance+gap-noshield", mdp: { ...unshielded, state: gapState } },
];

async function main(): Promise<void> {
  const dir = resolve(__dirname, "../out/ablation");
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const v of variants) {
    const run = runTraining({ name: v.name, set: "train", mdp: v.mdp, config: { ...DEFAULT_TRAIN_CONFIG, episodes: o.episodes } });
    const path = resolve(dir, `${v.name}.json`);
    savePolicyFile(path, run.file);
    files.push(relative(process.cwd(), path));
    console.log(`trained ${v.name}: ${run.file.nStates} states, ${run.totalSteps} steps in ${run.seconds.toFixed(2)} s → ${path}`);
  }
  const result: Record<string, unknown> = {
    variants: variants.map((v, i) => ({ name: v.name, file: files[i], state: v.mdp.state, trackingShield: v.mdp.trackingShield ?? null })),
  };
  for (const set of ["train", "test"] as ScenarioSet[]) {
    const out = await evaluate({ policies: files, set, seeds: o.seeds, threads: o.threads, replay: false });
    const rows = out.report.metrics.filter((m) => ["netRevenue", "meanGapBps", "p95GapBps", "updates", "cvar5NetRevenue"].includes(m.key));
    console.log(`\nablation on the ${set} set (${o.seeds} seeds; ${set === "train" ? "tuning" : "reported"}):`);
    console.log(formatMetricsTable(rows, files));
    result[set] = out.report.metrics;
  }
  const path = resolve(dir, "ablation.json");
  writeFileSync(path, JSON.stringify(result, null, 1) + "\n");
  console.log(`wrote ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
