/**
 * Trains the tabular Q-policy on generated train scenarios (a fresh one every episode, sandwich
 * bot on) on worker threads, scores the merged policy on validation after every round (the
 * learning curve) and writes a checksummed policy file.
 *   npm run train -- --seed 1 --out out/policies/mine.json [--episodes N] [--threads 2] [--rounds 10]
 * A file already in policies/ (the shipped policies) is never overwritten without --force; the
 * default output is out/policies/trained.json. The check runs before training, not after.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import { Command } from "commander";
import { DEFAULT_PARALLEL, DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP, defaultTrainConfig } from "../keeper/policy/training/defaultRun";
import { trainParallel } from "../keeper/policy/training/parallelTrainer";
import { savePolicyFile } from "../keeper/policy/policyFile";
import { parseMdpConfig, type MdpConfig } from "../keeper/policy/mdpConfig";
import { TrainConfigSchema, type TrainConfig } from "../keeper/policy/training/trainConfig";
import { intOption } from "./cliOptions";


const o = new Command()
  .name("train")
  .description("train the tabular Q-learning repeg/k policy on generated train scenarios")
  .option("--episodes <n>", "episodes (one generated train scenario each)", intOption("--episodes", 1), DEFAULT_TRAIN_CONFIG.episodes)
  .option("--seed <s>", "training seed (learner streams and which train scenarios)", intOption("--seed"), DEFAULT_TRAIN_CONFIG.seed)
  .option("--threads <n>", "worker threads", intOption("--threads", 1), DEFAULT_PARALLEL.threads)
  .option("--rounds <n>", "merge rounds (one learning-curve point each)", intOption("--rounds", 1), DEFAULT_PARALLEL.rounds)
  .option("--curve <n>", "validation scenarios scored after every round (0 = no curve)", intOption("--curve"), DEFAULT_PARALLEL.curveScenarios)
  .option("--out <path>", "policy file to write", "out/policies/trained.json")
  .option("--force", "allow overwriting a shipped policy (an existing file in policies/)")
  .option("--name <name>", "policy name (default: the output file's base name)")
  .option("--config <json>", "JSON file with { mdp?, learner?, replay? } overriding the defaults")
  .option("--quiet", "no per-round lines")
  .parse()
  .opts<{ episodes: number; seed: number; threads: number; rounds: number; curve: number; out: string; name?: string; config?: string; quiet?: boolean; force?: boolean }>();

async function main(): Promise<void> {
  let mdp: MdpConfig = DEFAULT_TRAIN_MDP;
  let config: TrainConfig = defaultTrainConfig(o.episodes, o.seed);
  if (o.config) {
    const over = JSON.parse(readFileSync(o.config, "utf8")) as { mdp?: unknown; learner?: TrainConfig["learner"]; replay?: TrainConfig["replay"] };
    if (over.mdp) mdp = parseMdpConfig(over.mdp, `${o.config} mdp`);
    if (over.learner) config = { ...config, learner: over.learner };
    if (over.replay) config = { ...config, replay: over.replay };
  }
  const parsed = TrainConfigSchema.safeParse(config);
  if (!parsed.success) throw new Error(`invalid training config: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const out = resolve(o.out);
  const shippedDir = resolve(__dirname, "..", "policies");
  const rel = relative(shippedDir, out);
  if (!o.force && existsSync(out) && !rel.startsWith("..") && !rel.startsWith("/")) {
    console.error(`train: refusing to overwrite the shipped policy ${relative(process.cwd(), out)}; choose another --out (e.g. out/policies/mine.json) or pass --force`);
    process.exit(2);
  }
  const name = o.name ?? basename(out, ".json");
  const run = await trainParallel({
    name,
    mdp,
    config: parsed.data,
    threads: o.threads,
    rounds: o.rounds,
    curveScenarios: o.curve,
    command: ["npm run train --", ...process.argv.slice(2)].join(" "),
    onRound: (p) => {
      if (!o.quiet)
        console.log(
          `round ${p.round + 1}/${o.rounds}: ${p.episodes} episodes, ${p.steps} steps, ${p.seconds.toFixed(1)} s, ε ${p.epsilon.toFixed(3)}, train reward ${p.trainReward.toFixed(2)}` +
            (o.curve > 0 ? ` | validation (${o.curve}) net revenue ${p.validationNetRevenue.toExponential(4)}, mean gap ${p.validationMeanGapBps.toFixed(2)} bps` : ""),
        );
    },
  });
  savePolicyFile(out, run.file);
  console.log(`trained "${name}": ${config.episodes} episodes, ${run.totalSteps} decision steps in ${run.seconds.toFixed(1)} s (${(run.totalSteps / run.seconds).toFixed(0)} steps/s, ${o.threads} threads)`);
  console.log(`wrote ${out} (${run.file.checksum})`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
