/**
 * The training loop: a TrainingSession plays episodes (each a scenario with its own seed), acting
 * ε-greedily on the discretised state under the action mask (tracking shield ∩ guard rails) and
 * learning from the reward of keeper/policy/reward.ts, with experience replay after each episode.
 * `train` runs one session over a scenario list; parallelTrainer.ts runs one per worker thread.
 */
import type { MdpConfig } from "../mdpConfig";
import { QLearner } from "../qLearning";
import type { QTable } from "../qTable";
import { quotePerRewardUnit, rewardOf } from "../reward";
import { createRng, deriveSeed, type Rng } from "../rng";
import { createStateSpace, type StateSpace } from "../stateIndex";
import { createActionMask, type ActionMaskFn } from "../actionShield";
import { createActionResolver, freezeRuleActions, type ActionsAt } from "../ruleActions";
import type { TrainingPoint } from "../policyFile";
import type { EnvFactory } from "./envPort";
import type { TrainConfig } from "./trainConfig";

export interface EpisodeReport {
  readonly episode: number;
  readonly scenario: string;
  readonly reward: number;
  readonly epsilon: number;
  readonly steps: number;
}

export interface TrainResult {
  /** The MDP trained on: the caller's, with every rule action's options completed (freezeRuleActions). */
  readonly mdp: MdpConfig;
  readonly table: QTable;
  readonly curve: TrainingPoint[];
  readonly totalSteps: number;
}

/** One learner with its replay buffer; `stream` separates the random streams of parallel sessions. */
export class TrainingSession {
  readonly space: StateSpace;
  readonly learner: QLearner;
  private readonly maskOf: ActionMaskFn;
  private readonly actionsAt: ActionsAt;
  private readonly buffer: ReplayBuffer | null;
  private readonly replayRng: Rng;

  constructor(
    private readonly mdp: MdpConfig,
    private readonly config: Pick<TrainConfig, "seed" | "learner" | "replay">,
    private readonly makeEnv: EnvFactory,
    stream = 0,
  ) {
    this.space = createStateSpace(mdp.state);
    this.maskOf = createActionMask(mdp);
    this.actionsAt = createActionResolver(mdp.actions);
    this.learner = new QLearner(this.space.size, mdp.actions.length, config.learner, createRng(deriveSeed(config.seed, 0xa11ce + stream)));
    this.buffer = config.replay && config.replay.sweeps > 0 ? new ReplayBuffer(config.replay.capacity) : null;
    this.replayRng = createRng(deriveSeed(config.seed, 0x5eed + stream));
  }

  /** Plays one episode (learning online), then the replay sweeps; `episode` sets ε. */
  runEpisode(episode: number, scenario: string, seed: number): EpisodeReport {
    const { mdp, learner, space } = this;
    learner.setEpisode(episode);
    const env = this.makeEnv(scenario, seed);
    const obs0 = env.reset();
    const unit = quotePerRewardUnit(mdp.reward, obs0.oracle * obs0.sqrtK);
    let s = space.index(obs0);
    // The market actions the MDP's actions stand for at the current observation (rule actions resolved once).
    let acts = this.actionsAt(obs0);
    let mask = this.maskOf(obs0, acts);
    let total = 0;
    let steps = 0;
    for (;;) {
      const a = learner.act(s, mask);
      const out = env.step(acts[a]);
      const r = rewardOf(out.parts, mdp.reward, unit);
      const s2 = space.index(out.obs);
      const acts2 = this.actionsAt(out.obs);
      const mask2 = this.maskOf(out.obs, acts2);
      learner.update(s, a, r, s2, out.terminal, mask2);
      this.buffer?.push(s, a, r, s2, out.terminal, mask2);
      total += r;
      steps++;
      s = s2;
      mask = mask2;
      acts = acts2;
      if (out.done) break;
    }
    if (this.buffer) for (let k = 0; k < this.config.replay!.sweeps; k++) this.buffer.sweep(learner, this.replayRng);
    return { episode, scenario, reward: total, epsilon: learner.epsilon, steps };
  }
}

export function train(args: {
  mdp: MdpConfig;
  config: TrainConfig;
  scenarios: readonly string[];
  makeEnv: EnvFactory;
  onEpisode?: (r: EpisodeReport) => void;
}): TrainResult {
  const { config, scenarios, makeEnv } = args;
  const mdp = freezeRuleActions(args.mdp);
  if (scenarios.length === 0) throw new Error("training needs at least one scenario");
  const session = new TrainingSession(mdp, config, makeEnv);
  const curve: TrainingPoint[] = [];
  let blockSum = 0;
  let blockN = 0;
  let totalSteps = 0;
  for (let ep = 0; ep < config.episodes; ep++) {
    const rep = session.runEpisode(ep, scenarios[ep % scenarios.length], deriveSeed(config.seed, ep + 1));
    totalSteps += rep.steps;
    args.onEpisode?.(rep);
    blockSum += rep.reward;
    blockN++;
    if (blockN === config.curveEvery || ep === config.episodes - 1) {
      curve.push({ episode: ep, reward: blockSum / blockN, epsilon: rep.epsilon });
      blockSum = 0;
      blockN = 0;
    }
  }
  return { mdp, table: session.learner.table(), curve, totalSteps };
}

/** Ring buffer of transitions in typed arrays (no per-step allocation). */
export class ReplayBuffer {
  private readonly s: Int32Array;
  private readonly a: Int32Array;
  private readonly r: Float64Array;
  private readonly s2: Int32Array;
  private readonly term: Uint8Array;
  /** Allowed actions at s' (−1 = all, i.e. no shield). */
  private readonly mask2: Int32Array;
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`replay capacity must be a positive integer, got ${capacity}`);
    this.s = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.r = new Float64Array(capacity);
    this.s2 = new Int32Array(capacity);
    this.term = new Uint8Array(capacity);
    this.mask2 = new Int32Array(capacity);
  }

  push(s: number, a: number, r: number, s2: number, terminal: boolean, mask2?: number): void {
    const i = this.head;
    this.s[i] = s;
    this.a[i] = a;
    this.r[i] = r;
    this.s2[i] = s2;
    this.term[i] = terminal ? 1 : 0;
    this.mask2[i] = mask2 ?? -1;
    this.head = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** One pass of `size` updates, each on a uniformly drawn stored transition. */
  sweep(learner: QLearner, rng: Rng): void {
    for (let k = 0; k < this.size; k++) {
      const i = rng.int(this.size);
      const m = this.mask2[i];
      learner.replay(this.s[i], this.a[i], this.r[i], this.s2[i], this.term[i] === 1, m < 0 ? undefined : m);
    }
  }
}
