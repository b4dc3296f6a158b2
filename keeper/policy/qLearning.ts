/**
 * Tabular Q-learning (Watkins) with ε-greedy exploration, a learning-rate schedule and γ, plus
 * double Q-learning (van Hasselt 2010) as an option: two tables, one picks the argmax at s', the
 * other values it, which removes max-operator overestimation on noisy rewards.
 */
import { z } from "zod";
import { QTable, argmaxRowMasked } from "./qTable";
import type { Rng } from "./rng";
import {
  EpsilonScheduleSchema,
  LearningRateScheduleSchema,
  epsilonAt,
  learningRateAt,
} from "./schedules";

export const LearnerConfigSchema = z
  .object({
    gamma: z.number().min(0).lt(1),
    epsilon: EpsilonScheduleSchema,
    learningRate: LearningRateScheduleSchema,
    doubleQ: z.boolean(),
    /** Initial Q value of every entry (optimistic values push early exploration). */
    initialQ: z.number().finite(),
  })
  .strict();
export type LearnerConfig = z.infer<typeof LearnerConfigSchema>;

export class QLearner {
  private readonly a: QTable;
  /** Second table for double Q-learning; absent otherwise. */
  private readonly b?: QTable;
  private readonly visits: Uint32Array;
  private episode = 0;

  constructor(
    readonly nStates: number,
    readonly nActions: number,
    readonly cfg: LearnerConfig,
    private readonly rng: Rng,
  ) {
    this.a = new QTable(nStates, nActions);
    this.a.q.fill(cfg.initialQ);
    if (cfg.doubleQ) {
      this.b = new QTable(nStates, nActions);
      this.b.q.fill(cfg.initialQ);
    }
    this.visits = new Uint32Array(nStates * nActions);
  }

  /**
   * Replaces the learned values and visit counts (a merged table from parallel training);
   * under double Q both tables take the values.
   */
  load(q: Float64Array, visits: Uint32Array): void {
    if (q.length !== this.a.q.length || visits.length !== this.visits.length) throw new Error(`table of ${q.length} entries loaded into a ${this.nStates}×${this.nActions} learner`);
    this.a.q.set(q);
    this.b?.q.set(q);
    this.visits.set(visits);
    this.a.visits.set(visits);
  }

  setEpisode(episode: number): void {
    this.episode = episode;
  }

  get epsilon(): number {
    return epsilonAt(this.cfg.epsilon, this.episode);
  }

  /**
   * ε-greedy on the (combined) table, both the random and the greedy choice restricted to the
   * allowed actions (`mask`: bit i set = action i allowed; undefined = all).
   */
  act(s: number, mask?: number): number {
    if (this.rng.next() < this.epsilon) {
      if (mask === undefined) return this.rng.int(this.nActions);
      return nthAllowed(mask, this.rng.int(popcount(mask)));
    }
    return this.greedy(s, mask);
  }

  greedy(s: number, mask?: number): number {
    if (!this.b) return this.a.greedyMasked(s, mask);
    const n = this.nActions;
    let best = -1;
    let bestV = -Infinity;
    for (let k = 0; k < n; k++) {
      if (mask !== undefined && ((mask >>> k) & 1) === 0) continue;
      const v = this.a.q[s * n + k] + this.b.q[s * n + k];
      if (best < 0 || v > bestV) {
        bestV = v;
        best = k;
      }
    }
    if (best < 0) throw new Error(`action mask ${mask} allows none of the ${n} actions`);
    return best;
  }

  /**
   * One TD update. `terminal` cuts the bootstrap; a time-limit end is not terminal (the state has
   * no clock, so the value beyond the horizon is still the stationary one).
   */
  update(s: number, action: number, reward: number, s2: number, terminal: boolean, mask2?: number): void {
    this.tdUpdate(s, action, reward, s2, terminal, true, mask2);
  }

  /**
   * A TD update from a stored transition (experience replay): same target, with the learning rate
   * of the entry's current visit count, which it does not increment (visits count real samples).
   */
  replay(s: number, action: number, reward: number, s2: number, terminal: boolean, mask2?: number): void {
    this.tdUpdate(s, action, reward, s2, terminal, false, mask2);
  }

  /** `mask2`: the actions allowed at s' (the bootstrap max runs over them only); undefined = all. */
  private tdUpdate(s: number, action: number, reward: number, s2: number, terminal: boolean, fresh: boolean, mask2: number | undefined): void {
    if (!Number.isFinite(reward)) throw new Error(`reward must be finite, got ${reward} (state ${s}, action ${action})`);
    const n = this.nActions;
    const i = s * n + action;
    const v = fresh ? ++this.visits[i] : Math.max(1, this.visits[i]);
    const alpha = learningRateAt(this.cfg.learningRate, this.episode, v);
    const gamma = this.cfg.gamma;
    if (!this.b) {
      const target = terminal ? reward : reward + gamma * this.a.q[s2 * n + this.a.greedyMasked(s2, mask2)];
      this.a.q[i] += alpha * (target - this.a.q[i]);
      this.a.visits[i] = this.visits[i];
      return;
    }
    const [upd, other] = this.rng.next() < 0.5 ? [this.a, this.b] : [this.b, this.a];
    const target = terminal ? reward : reward + gamma * other.q[s2 * n + argmaxRowMasked(upd.q, s2, n, mask2 ?? ALL_MASK)];
    upd.q[i] += alpha * (target - upd.q[i]);
  }

  /** The learned table (the mean of both tables under double Q) with visit counts. */
  table(): QTable {
    const q = new Float64Array(this.a.q);
    if (this.b) for (let k = 0; k < q.length; k++) q[k] = (q[k] + this.b.q[k]) / 2;
    return new QTable(this.nStates, this.nActions, q, new Uint32Array(this.visits));
  }
}

/** A mask with every bit set (the mask check ignores bits past the action count). */
const ALL_MASK = 0x7fffffff;

function popcount(mask: number): number {
  let c = 0;
  for (let m = mask >>> 0; m; m &= m - 1) c++;
  return c;
}

/** Index of the k-th (0-based) set bit of `mask`. */
function nthAllowed(mask: number, k: number): number {
  for (let a = 0; a < 31; a++) {
    if (((mask >>> a) & 1) === 1 && k-- === 0) return a;
  }
  throw new Error(`action mask ${mask} has no allowed action ${k}`);
}
