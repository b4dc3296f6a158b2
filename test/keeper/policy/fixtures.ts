/** Hand-made observations for policy tests. */
import type { Action, MarketObservation } from "../../../keeper/core/policyTypes";
import type { RewardParts } from "../../../keeper/policy/reward";
import type { PolicyEnv } from "../../../keeper/policy/training/envPort";

/**
 * A curve at price `oracle` with mark off by `gapBps`, net user position `net` (base) and the
 * given budget. Reserves are x = y = sqrtK so the mark is the peg.
 */
export function makeObs(o: { gapBps?: number; longOI?: number; shortOI?: number; budget?: number; oracle?: number; sqrtK?: number; markTwapBps?: number; volatility?: number }): MarketObservation {
  const oracle = o.oracle ?? 100;
  const sqrtK = o.sqrtK ?? 1_000_000;
  const mark = oracle * (1 + (o.gapBps ?? 0) / 1e4);
  const longOI = o.longOI ?? 0;
  const shortOI = o.shortOI ?? 0;
  const d = longOI - shortOI;
  // Users bought d base from the curve: x = sqrtK − d… keep it simple: choose x so that x + d = sqrtK.
  const x = sqrtK - d;
  const y = (sqrtK * sqrtK) / x;
  const peg = mark / (y / x);
  return {
    time: 0,
    baseReserve: x,
    quoteReserve: y,
    peg,
    sqrtK,
    mark,
    oracle,
    markTwap: oracle * (1 + (o.markTwapBps ?? o.gapBps ?? 0) / 1e4),
    oracleTwap: oracle,
    longOI,
    shortOI,
    budget: o.budget ?? 1e9,
    reservedShare: 0,
    volatility: o.volatility ?? 0,
    sinceLastUpdate: Infinity,
  };
}

export const NO_PARTS: RewardParts = { netRevenue: 0, trackingBps: 0, drawdownIncrease: 0 };

/**
 * Two-state chain, γ = 0.9. Action 0 "stay", action 1 "move"; returns [next state, reward].
 *   state 0: stay → 0, reward 1;  move → 1, reward 0
 *   state 1: stay → 1, reward 2;  move → 0, reward 0
 * By hand: V(1) = 2/(1−γ) = 20; V(0) = max(1 + γV(0), γ·20) = 18 (moving beats 1/(1−γ) = 10), so
 *   Q(0,stay) = 1 + 0.9·18 = 17.2, Q(0,move) = 18, Q(1,stay) = 20, Q(1,move) = 0.9·18 = 16.2.
 */
export function chain(s: number, a: number): [number, number] {
  if (s === 0) return a === 0 ? [0, 1] : [1, 0];
  return a === 0 ? [1, 2] : [0, 0];
}

/**
 * The chain behind the env port, `steps` steps an episode: state 0/1 is imbalance < 0 / ≥ 0
 * (an MDP with imbalance edges [0]), hold = stay, any other action = move, reward as net revenue.
 */
export function makeChainEnv(steps: number): () => PolicyEnv {
  const obsOf = (s: number) => makeObs(s === 0 ? { shortOI: 1 } : { longOI: 1 });
  return () => {
    let s = 0;
    let t = 0;
    return {
      reset: () => ((s = 0), (t = 0), obsOf(0)),
      step: (a: Action) => {
        const [s2, r] = chain(s, a.kind === "hold" ? 0 : 1);
        s = s2;
        t++;
        return { obs: obsOf(s2), parts: { ...NO_PARTS, netRevenue: r }, done: t >= steps, terminal: false };
      },
    };
  };
}
