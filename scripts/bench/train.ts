/**
 * Times the default training run (goal ≤ 10 s on the project machine); prints a table and writes
 * out/bench/train.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cpus } from "node:os";
import { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../../keeper/policy/training/defaultRun";
import { runTraining } from "../../keeper/policy/training/runTraining";

const GOAL_SECONDS = 10;
const t0 = process.hrtime.bigint();
const run = runTraining({ name: "bench", set: "train", mdp: DEFAULT_TRAIN_MDP, config: DEFAULT_TRAIN_CONFIG });
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const result = {
  bench: "train",
  episodes: DEFAULT_TRAIN_CONFIG.episodes,
  steps: run.totalSteps,
  trainSeconds: run.seconds,
  wallSeconds: wall,
  stepsPerSecond: run.totalSteps / run.seconds,
  goalSeconds: GOAL_SECONDS,
  withinGoal: wall <= GOAL_SECONDS,
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  at: new Date().toISOString(),
};
const rows: [string, string][] = [
  ["episodes", String(result.episodes)],
  ["steps", String(result.steps)],
  ["training (s)", result.trainSeconds.toFixed(3)],
  ["wall incl. setup (s)", result.wallSeconds.toFixed(3)],
  ["steps / s", result.stepsPerSecond.toFixed(0)],
  [`within ${GOAL_SECONDS} s goal`, result.withinGoal ? "yes" : "NO"],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(rows.map(([k, v]) => `${k.padEnd(w)} | ${v}`).join("\n"));
const dir = resolve(__dirname, "../../out/bench");
mkdirSync(dir, { recursive: true });
const path = resolve(dir, "train.json");
writeFileSync(path, JSON.stringify(result, null, 2) + "\n");
console.log(`wrote ${path}`);
