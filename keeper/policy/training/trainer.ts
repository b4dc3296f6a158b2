/**
 * The training loop: episodes cycle through the scenarios (each with its own derived seed), the
 * learner acts ε-greedily on the discretised state and learns from the weighted reward.
 */
import type { MdpConfig } from "../mdpConfig";
import { QLearner } from "../qLearning";
import type { QTable } from "../qTable";
import { weightedReward } from "../reward";
import { createRng, deriveSeed, type Rng } from "../rng";
import { createStateSpace } from "../stateIndex";
import { createActionMask } from "../actionShield";
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
  readonly table: QTable;
  readonly curve: TrainingPoint[];
  readonly totalSteps: number;
}

export function train(args: {
  mdp: MdpConfig;
  config: TrainConfig;
  scenarios: readonly string[];
  makeEnv: EnvFactory;
  onEpisode?: (r: EpisodeReport) => void;
}): TrainResult {
  const { mdp, config, scenarios, makeEnv } = args;
  if (scenarios.length === 0) throw new Error("training needs at least one scenario");
  const space = createStateSpace(mdp.state);
  // The shield's allowed actions at each observation; without one, undefined (= all) costs nothing.
  const maskOf = mdp.trackingShield ? createActionMask(mdp) : null;
  const learner = new QLearner(space.size, mdp.actions.length, config.learner, createRng(deriveSeed(config.seed, 0xa11ce)));
  const curve: TrainingPoint[] = [];
  let blockSum = 0;
  let blockN = 0;
  let totalSteps = 0;
  const buffer = config.replay && config.replay.sweeps > 0 ? new ReplayBuffer(config.replay.capacity) : null;
  const replayRng = createRng(deriveSeed(config.seed, 0x5eed));
  for (let ep = 0; ep < config.episodes; ep++) {
    learner.setEpisode(ep);
    const scenario = scenarios[ep % scenarios.length];
    const env = makeEnv(scenario, deriveSeed(config.seed, ep + 1));
    const obs0 = env.reset();
    let s = space.index(obs0);
    let mask = maskOf ? maskOf(obs0) : undefined;
    let total = 0;
    let steps = 0;
    for (;;) {
      const a = learner.act(s, mask);
      const out = env.step(mdp.actions[a]);
      const r = weightedReward(out.parts, mdp.reward);
      const s2 = space.index(out.obs);
      const mask2 = maskOf ? maskOf(out.obs) : undefined;
      learner.update(s, a, r, s2, out.terminal, mask2);
      buffer?.push(s, a, r, s2, out.terminal, mask2);
      total += r;
      steps++;
      s = s2;
      mask = mask2;
      if (out.done) break;
    }
    totalSteps += steps;
    if (buffer) for (let k = 0; k < config.replay!.sweeps; k++) buffer.sweep(learner, replayRng);
    const epsilon = learner.epsilon;
    args.onEpisode?.({ episode: ep, scenario, reward: total, epsilon, steps });
    blockSum += total;
    blockN++;
    if (blockN === config.curveEvery || ep === config.episodes - 1) {
      curve.push({ episode: ep, reward: blockSum / blockN, epsilon });
      blockSum = 0;
      blockN = 0;
    }
  }
  return { table: learner.table(), curve, totalSteps };
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
