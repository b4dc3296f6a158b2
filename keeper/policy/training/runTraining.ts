/** One training run end to end: scenarios of a set → trained table → policy file content. */
import { parseMdpConfig, type MdpConfig } from "../mdpConfig";
import { buildPolicyFile, type PolicyFile } from "../policyFile";
import { listScenarios, makeEnvFactory, type ScenarioSet } from "../simAdapter";
import { TrainConfigSchema, type TrainConfig } from "./trainConfig";
import { train, type EpisodeReport } from "./trainer";
import { formatIssues } from "../mdpConfig";

export interface TrainingRun {
  readonly file: PolicyFile;
  readonly totalSteps: number;
  readonly seconds: number;
}

export function runTraining(args: {
  name: string;
  set: ScenarioSet;
  mdp: MdpConfig;
  config: TrainConfig;
  /** The command line that ran this training (stored in the file for provenance). */
  command?: string;
  onEpisode?: (r: EpisodeReport) => void;
}): TrainingRun {
  const mdp = parseMdpConfig(args.mdp);
  const parsed = TrainConfigSchema.safeParse(args.config);
  if (!parsed.success) throw new Error(`invalid training config: ${formatIssues(parsed.error)}`);
  const config = parsed.data;
  const scenarios = listScenarios(args.set);
  const t0 = process.hrtime.bigint();
  const res = train({ mdp, config, scenarios, makeEnv: makeEnvFactory(), onEpisode: args.onEpisode });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const file = buildPolicyFile({
    name: args.name,
    mdp: res.mdp, // with the rule actions' options as the trainer completed them
    table: res.table,
    training: { ...config, scenarioSet: args.set, scenarios, totalSteps: res.totalSteps, ...(args.command ? { command: args.command } : {}) },
    trainingCurve: res.curve,
  });
  return { file, totalSteps: res.totalSteps, seconds };
}
