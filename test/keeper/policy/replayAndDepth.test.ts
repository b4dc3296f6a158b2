import { expect } from "chai";
import { QLearner, type LearnerConfig } from "../../../keeper/policy/qLearning";
import { createRng } from "../../../keeper/policy/rng";
import { ReplayBuffer, train } from "../../../keeper/policy/training/trainer";
import { TrainConfigSchema } from "../../../keeper/policy/training/trainConfig";
import { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../../../keeper/policy/training/defaultRun";
import { weightedReward, type RewardParts } from "../../../keeper/policy/reward";
import { DEFAULT_REWARD_WEIGHTS, parseMdpConfig, type MdpConfig } from "../../../keeper/policy/mdpConfig";
import { buildPolicyFile, parsePolicyFile, serialisePolicyFile } from "../../../keeper/policy/policyFile";
import { QTable } from "../../../keeper/policy/qTable";
import { makeEnvFactory, listScenarios } from "../../../keeper/policy/simAdapter";
import { makeChainEnv, NO_PARTS } from "./fixtures";

const base: LearnerConfig = {
  gamma: 0.9,
  epsilon: { kind: "constant", value: 1 },
  learningRate: { kind: "constant", value: 0.5 },
  doubleQ: false,
  initialQ: 0,
};
/** The fixtures' 2-state chain: optimal Q(1, stay) = 20, greedy [move, stay]. */
const chainMdp: MdpConfig = {
  state: { imbalance: { normaliseBy: "totalOI", edges: [0] } },
  actions: [{ kind: "hold" }, { kind: "repeg", fraction: 1 }],
  reward: { ...DEFAULT_REWARD_WEIGHTS },
};
const chainEnv = makeChainEnv(20);

describe("experience replay", () => {
  describe("QLearner.replay", () => {
    it("applies the TD update without counting a visit", () => {
      const l = new QLearner(2, 2, base, createRng(0));
      l.update(1, 0, 4, 1, true); // Q = 2, 1 visit
      l.replay(1, 0, 4, 1, true); // Q = 2 + 0.5·(4 − 2) = 3, still 1 visit
      const t = l.table();
      expect(t.get(1, 0)).to.equal(3);
      expect(t.visits[2]).to.equal(1);
    });
    it("refuses a non-finite reward", () => {
      expect(() => new QLearner(1, 1, base, createRng(0)).replay(0, 0, Infinity, 0, false)).to.throw(/reward must be finite/);
    });
  });

  describe("ReplayBuffer", () => {
    it("keeps the last `capacity` transitions and replays `size` of them per sweep", () => {
      const b = new ReplayBuffer(3);
      for (let i = 0; i < 5; i++) b.push(0, 0, i, 0, true);
      expect(b.size).to.equal(3);
      const seen: number[] = [];
      const spy = { replay: (_s: number, _a: number, r: number) => seen.push(r) } as unknown as QLearner;
      b.sweep(spy, createRng(1));
      expect(seen).to.have.length(3);
      for (const r of seen) expect([2, 3, 4]).to.include(r); // 0 and 1 were overwritten
    });
    it("refuses a bad capacity", () => {
      expect(() => new ReplayBuffer(0)).to.throw(/replay capacity/);
    });
  });

  describe("in the trainer", () => {
    const cfg = (replay?: { sweeps: number; capacity: number }) => ({
      episodes: 15,
      seed: 3,
      curveEvery: 5,
      learner: { ...base, learningRate: { kind: "visits" as const, omega: 0.7, min: 0.05 }, epsilon: { kind: "constant" as const, value: 0.5 } },
      ...(replay ? { replay } : {}),
    });
    it("gets closer to the optimal values from the same simulated steps", () => {
      const plain = train({ mdp: chainMdp, config: cfg(), scenarios: ["chain"], makeEnv: chainEnv });
      const replayed = train({ mdp: chainMdp, config: cfg({ sweeps: 20, capacity: 1000 }), scenarios: ["chain"], makeEnv: chainEnv });
      expect(replayed.totalSteps).to.equal(plain.totalSteps);
      const err = (t: QTable) => Math.abs(t.get(1, 0) - 20) + Math.abs(t.get(0, 1) - 18);
      expect(err(replayed.table)).to.be.lessThan(err(plain.table));
      expect([replayed.table.greedy(0), replayed.table.greedy(1)]).to.deep.equal([1, 0]);
      // Replayed updates are not visits.
      expect(Array.from(replayed.table.visits).reduce((a, b) => a + b, 0)).to.equal(replayed.totalSteps);
    });
    it("is validated in the training config", () => {
      expect(TrainConfigSchema.safeParse({ ...cfg(), replay: { sweeps: -1, capacity: 10 } }).success).to.equal(false);
      expect(TrainConfigSchema.safeParse(DEFAULT_TRAIN_CONFIG).success).to.equal(true);
    });
  });
});

describe("depth credit", () => {
  it("credits depthCreditPerBps per bp of sqrtK change, and nothing when absent", () => {
    const p: RewardParts = { ...NO_PARTS, depthChangeBps: 50 };
    expect(weightedReward(p, { ...DEFAULT_REWARD_WEIGHTS, depthCreditPerBps: 400 })).to.equal(20_000);
    expect(weightedReward({ ...p, depthChangeBps: -100 }, { ...DEFAULT_REWARD_WEIGHTS, depthCreditPerBps: 400 })).to.equal(-40_000);
    expect(weightedReward(p, DEFAULT_REWARD_WEIGHTS)).to.equal(0);
    expect(weightedReward(NO_PARTS, { ...DEFAULT_REWARD_WEIGHTS, depthCreditPerBps: 400 })).to.equal(0);
  });
  it("rejects a negative weight, naming the field", () => {
    expect(() => parseMdpConfig({ ...DEFAULT_TRAIN_MDP, reward: { ...DEFAULT_TRAIN_MDP.reward, depthCreditPerBps: -1 } })).to.throw(/reward\.depthCreditPerBps/);
  });
  it("round-trips through a policy file, and a file without it still loads", () => {
    const mk = (mdp: MdpConfig) =>
      parsePolicyFile(serialisePolicyFile(buildPolicyFile({ name: "t", mdp, table: new QTable(2, 2), training: {}, trainingCurve: [] })));
    expect(mk({ ...chainMdp, reward: { ...chainMdp.reward, depthCreditPerBps: 400 } }).mdp.reward.depthCreditPerBps).to.equal(400);
    expect(mk(chainMdp).mdp.reward.depthCreditPerBps).to.equal(undefined);
  });
  it("is reported by the simulator's env port as Δ ln sqrtK in bps", () => {
    const env = makeEnvFactory()(listScenarios("train")[0], 11);
    env.reset();
    const up = env.step({ kind: "kUp", stepBps: 100 });
    expect(up.parts.depthChangeBps).to.be.closeTo(Math.log(1.01) * 1e4, 1e-6);
    const hold = env.step({ kind: "hold" });
    expect(hold.parts.depthChangeBps).to.equal(0);
  });
});

describe("policy registry", () => {
  it("resolves registered factories by name and refuses a duplicate", async () => {
    const { registerPolicyFactory, resolvePolicy, registeredPolicyNames } = await import("../../../keeper/policy/policyRegistry");
    expect(registeredPolicyNames()).to.include.members(["static", "formulaic", "threshold"]);
    registerPolicyFactory("test-always-hold", (name) => ({ name, decide: () => ({ action: { kind: "hold" }, actionIndex: 0, stateIndex: -1, qValues: [] }) }));
    expect(resolvePolicy("test-always-hold").name).to.equal("test-always-hold");
    expect(() => registerPolicyFactory("static", () => resolvePolicy("static"))).to.throw(/already registered/);
  });
});
