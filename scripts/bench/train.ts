/**
 * Times the default training run (issue 16 goal: ≥ 200,000 decision steps in ≤ 5 minutes on 2
 * cores, worker threads): the run `npm run train` does, learning curve included. Prints a table
 * and writes out/bench/train.json. The load average is recorded: on a shared machine the wall
 * time is what the other processes left.
 *   npm run bench:train
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cpus, loadavg } from "node:os";
import { DEFAULT_PARALLEL, DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../../keeper/policy/training/defaultRun";
import { trainParallel } from "../../keeper/policy/training/parallelTrainer";

const GOAL_SECONDS = 300;
const GOAL_STEPS = 200_000;

async function main(): Promise<void> {
  const load1 = loadavg()[0];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const run = await trainParallel({ name: "bench", mdp: DEFAULT_TRAIN_MDP, config: DEFAULT_TRAIN_CONFIG, ...DEFAULT_PARALLEL });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuUsed = process.cpuUsage(cpu0);
  const result = {
    bench: "train",
    episodes: DEFAULT_TRAIN_CONFIG.episodes,
    threads: DEFAULT_PARALLEL.threads,
    rounds: DEFAULT_PARALLEL.rounds,
    curveScenarios: DEFAULT_PARALLEL.curveScenarios,
    steps: run.totalSteps,
    trainSeconds: run.seconds,
    wallSeconds: wall,
    stepsPerSecond: run.totalSteps / run.seconds,
    // Every thread of this process (workers included): what the run costs in core-seconds.
    cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6,
    loadAverage1mAtStart: load1,
    loadAverage1mAtEnd: loadavg()[0],
    goalSeconds: GOAL_SECONDS,
    goalSteps: GOAL_STEPS,
    withinGoal: wall <= GOAL_SECONDS && run.totalSteps >= GOAL_STEPS,
    finalValidation: run.curve.at(-1) ?? null,
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    at: new Date().toISOString(),
  };
  const rows: [string, string][] = [
    ["episodes", String(result.episodes)],
    ["threads × rounds", `${result.threads} × ${result.rounds}`],
    ["decision steps", String(result.steps)],
    ["training (s)", result.trainSeconds.toFixed(1)],
    ["wall incl. setup (s)", result.wallSeconds.toFixed(1)],
    ["steps / s", result.stepsPerSecond.toFixed(0)],
    ["CPU time, all threads (s)", result.cpuSeconds.toFixed(1)],
    ["load average 1 min (start → end)", `${result.loadAverage1mAtStart.toFixed(2)} → ${result.loadAverage1mAtEnd.toFixed(2)}`],
    [`≥ ${GOAL_STEPS} steps within ${GOAL_SECONDS} s`, result.withinGoal ? "yes" : "NO"],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(rows.map(([k, v]) => `${k.padEnd(w)} | ${v}`).join("\n"));
  const dir = resolve(__dirname, "../../out/bench");
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, "train.json");
  writeFileSync(path, JSON.stringify(result, null, 2) + "\n");
  console.log(`wrote ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
