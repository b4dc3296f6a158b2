/**
 * Times the default training run (goal ≤ 10 s on the project machine); prints a table and writes
 * out/bench/train.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cpus, loadavg } from "node:os";
import { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../../keeper/policy/training/defaultRun";
import { runTraining } from "../../keeper/policy/training/runTraining";

const GOAL_SECONDS = 10;
const load1 = loadavg()[0];
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const run = runTraining({ name: "bench", set: "train", mdp: DEFAULT_TRAIN_MDP, config: DEFAULT_TRAIN_CONFIG });
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpuUsed = process.cpuUsage(cpu0);
// CPU time of this process: what the run costs on a free core (wall time includes waiting for one).
const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
const result = {
  bench: "train",
  episodes: DEFAULT_TRAIN_CONFIG.episodes,
  steps: run.totalSteps,
  trainSeconds: run.seconds,
  wallSeconds: wall,
  stepsPerSecond: run.totalSteps / run.seconds,
  cpuSeconds,
  loadAverage1m: load1,
  replaySweeps: DEFAULT_TRAIN_CONFIG.replay?.sweeps ?? 0,
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
  ["CPU time (s)", result.cpuSeconds.toFixed(3)],
  ["load average 1 min", result.loadAverage1m.toFixed(2)],
  [`within ${GOAL_SECONDS} s goal`, result.withinGoal ? "yes" : "NO"],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(rows.map(([k, v]) => `${k.padEnd(w)} | ${v}`).join("\n"));
const dir = resolve(__dirname, "../../out/bench");
mkdirSync(dir, { recursive: true });
const path = resolve(dir, "train.json");
writeFileSync(path, JSON.stringify(result, null, 2) + "\n");
console.log(`wrote ${path}`);
