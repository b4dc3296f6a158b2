/**
 * Trains the tabular Q-policy on a scenario set and writes a checksummed policy file.
 *   npm run train -- --scenarios train --seed 1 --out policies/NAME.json
 * A file already in policies/ (the shipped policies) is never overwritten without --force; the
 * default output is out/policies/trained.json. The check runs before training, not after.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { SingleBar, Presets } from "cli-progress";
import { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../keeper/policy/training/defaultRun";
import { runTraining } from "../keeper/policy/training/runTraining";
import { savePolicyFile } from "../keeper/policy/policyFile";
import type { MdpConfig } from "../keeper/policy/mdpConfig";
import type { TrainConfig } from "../keeper/policy/training/trainConfig";
import { parseScenarioSet } from "../keeper/policy/simAdapter";

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

const program = new Command()
  .name("train")
  .description("train the tabular Q-learning repeg/k policy")
  .option("--scenarios <set>", "scenario set to train on (train|test)", "train")
  .option("--episodes <n>", "episodes", int("--episodes"), DEFAULT_TRAIN_CONFIG.episodes)
  .option("--seed <s>", "seed", int("--seed"), DEFAULT_TRAIN_CONFIG.seed)
  .option("--out <path>", "policy file to write", "out/policies/trained.json")
  .option("--force", "allow overwriting a shipped policy (an existing file in policies/)")
  .option("--name <name>", "policy name (default: the output file's base name)")
  .option("--config <json>", "JSON file with { mdp?, learner? } overriding the defaults")
  .option("--quiet", "no progress bar")
  .parse();

const o = program.opts<{ scenarios: string; episodes: number; seed: number; out: string; name?: string; config?: string; quiet?: boolean; force?: boolean }>();
const set = parseScenarioSet(o.scenarios);
if (set === "test") console.warn("WARNING: training on the held-out TEST set; figures from it are no longer a fair test");

let mdp: MdpConfig = DEFAULT_TRAIN_MDP;
let config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, episodes: o.episodes, seed: o.seed };
if (o.config) {
  const over = JSON.parse(readFileSync(o.config, "utf8")) as { mdp?: MdpConfig; learner?: TrainConfig["learner"] };
  if (over.mdp) mdp = over.mdp;
  if (over.learner) config = { ...config, learner: over.learner };
}
const out = resolve(o.out);
const shippedDir = resolve(__dirname, "..", "policies");
const rel = relative(shippedDir, out);
if (!o.force && existsSync(out) && !rel.startsWith("..") && !rel.startsWith("/")) {
  console.error(`train: refusing to overwrite the shipped policy ${relative(process.cwd(), out)}; choose another --out (e.g. out/policies/mine.json) or pass --force`);
  process.exit(2);
}
const name = o.name ?? basename(out, ".json");

const bar = o.quiet
  ? null
  : new SingleBar({ format: "train |{bar}| {value}/{total} episodes | reward {reward} | ε {eps} | {scenario}", hideCursor: true }, Presets.shades_classic);
bar?.start(config.episodes, 0, { reward: "-", eps: "-", scenario: "" });
const run = runTraining({
  name,
  set,
  mdp,
  config,
  command: ["npm run train --", ...process.argv.slice(2)].join(" "),
  onEpisode: (r) => bar?.update(r.episode + 1, { reward: r.reward.toFixed(2), eps: r.epsilon.toFixed(3), scenario: r.scenario }),
});
bar?.stop();
savePolicyFile(out, run.file);
const last = run.file.trainingCurve.at(-1);
console.log(
  `trained "${name}" on ${set}: ${config.episodes} episodes, ${run.totalSteps} steps in ${run.seconds.toFixed(2)} s; last curve point reward ${last?.reward.toFixed(2)}, ε ${last?.epsilon.toFixed(3)}`,
);
console.log(`wrote ${out} (${run.file.checksum})`);
