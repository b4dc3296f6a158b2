import { expect } from "chai";
import { QLearner, type LearnerConfig } from "../../../keeper/policy/qLearning";
import { createRng } from "../../../keeper/policy/rng";
import { train } from "../../../keeper/policy/training/trainer";
import type { MdpConfig } from "../../../keeper/policy/mdpConfig";
import { chain, makeChainEnv } from "./fixtures";

/** Optimal Q-values of the fixtures' 2-state chain (γ = 0.9), solved by hand there. */
const OPT = [
  [17.2, 18],
  [20, 16.2],
];

function runChain(cfg: LearnerConfig, steps: number, seed: number): QLearner {
  const rng = createRng(seed);
  const l = new QLearner(2, 2, cfg, rng);
  let s = 0;
  for (let t = 0; t < steps; t++) {
    const a = l.act(s);
    const [s2, r] = chain(s, a);
    l.update(s, a, r, s2, false);
    s = s2;
  }
  return l;
}

describe("tabular Q-learning", () => {
  const base: LearnerConfig = {
    gamma: 0.9,
    epsilon: { kind: "constant", value: 1 },
    learningRate: { kind: "visits", omega: 0.6, min: 0 },
    doubleQ: false,
    initialQ: 0,
  };

  describe("on a 2-state chain solved by hand", () => {
    it("converges to the optimal Q-values", () => {
      const t = runChain(base, 60_000, 1).table();
      for (let s = 0; s < 2; s++) for (let a = 0; a < 2; a++) expect(t.get(s, a)).to.be.closeTo(OPT[s][a], 0.15);
      expect([t.greedy(0), t.greedy(1)]).to.deep.equal([1, 0]);
    });
    it("converges with double Q-learning too", () => {
      const t = runChain({ ...base, doubleQ: true }, 120_000, 2).table();
      for (let s = 0; s < 2; s++) for (let a = 0; a < 2; a++) expect(t.get(s, a)).to.be.closeTo(OPT[s][a], 0.3);
      expect([t.greedy(0), t.greedy(1)]).to.deep.equal([1, 0]);
    });
    it("counts visits per (state, action)", () => {
      const t = runChain(base, 1000, 3).table();
      expect(Array.from(t.visits).reduce((a, b) => a + b, 0)).to.equal(1000);
      for (const v of t.visits) expect(v).to.be.greaterThan(0);
    });
    it("is reproducible from its seed", () => {
      const a = runChain(base, 500, 7).table();
      const b = runChain(base, 500, 7).table();
      expect(Array.from(a.q)).to.deep.equal(Array.from(b.q));
    });
  });

  describe("the update rule", () => {
    it("applies α(r + γ max Q(s') − Q) and cuts the bootstrap at a terminal", () => {
      const l = new QLearner(2, 2, { ...base, learningRate: { kind: "constant", value: 0.5 } }, createRng(0));
      l.update(1, 0, 4, 1, true); // Q(1,0) = 0.5·4 = 2
      expect(l.table().get(1, 0)).to.equal(2);
      l.update(0, 1, 1, 1, false); // Q(0,1) = 0.5·(1 + 0.9·2) = 1.4
      expect(l.table().get(0, 1)).to.be.closeTo(1.4, 1e-12);
      expect(() => l.update(0, 0, NaN, 0, false)).to.throw(/reward must be finite/);
    });
    it("acts greedily when ε = 0, breaking ties toward action 0", () => {
      const l = new QLearner(1, 3, { ...base, epsilon: { kind: "constant", value: 0 } }, createRng(0));
      expect(l.act(0)).to.equal(0);
    });
  });

  describe("the trainer", () => {
    it("learns the chain's optimal policy through the env port and the state space", () => {
      // Map chain state 0/1 to imbalance < 0 / ≥ 0; actions: hold = stay, repeg = move.
      const mdp: MdpConfig = {
        state: { imbalance: { normaliseBy: "totalOI", edges: [0] } },
        actions: [{ kind: "hold" }, { kind: "repeg", fraction: 1 }],
        reward: { per: "quote", trackingPenaltyPerBps: 0, drawdownPenalty: 0 },
      };
      const makeEnv = makeChainEnv(50);
      const res = train({
        mdp,
        config: { episodes: 400, seed: 1, curveEvery: 50, learner: { ...base, epsilon: { kind: "linear", start: 1, end: 0.3, episodes: 400 } } },
        scenarios: ["chain"],
        makeEnv,
      });
      expect([res.table.greedy(0), res.table.greedy(1)]).to.deep.equal([1, 0]);
      expect(res.table.get(1, 0)).to.be.closeTo(20, 0.5);
      expect(res.curve).to.have.length(8);
      expect(res.totalSteps).to.equal(400 * 50);
    });
  });
});
