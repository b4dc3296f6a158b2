import { expect } from "chai";
import { QLearner, type LearnerConfig } from "../../../keeper/policy/qLearning";
import { createRng } from "../../../keeper/policy/rng";
import { ReplayBuffer, train } from "../../../keeper/policy/training/trainer";
import { TrainConfigSchema } from "../../../keeper/policy/training/trainConfig";
import { DEFAULT_TRAIN_CONFIG, DEFAULT_TRAIN_MDP } from "../../../keeper/policy/training/defaultRun";
import { quotePerRewardUnit, rewardOf } from "../../../keeper/policy/reward";
import { DEFAULT_REWARD_WEIGHTS, parseMdpConfig, type MdpConfig } from "../../../keeper/policy/mdpConfig";
import { buildPolicyFile, parsePolicyFile, serialisePolicyFile } from "../../../keeper/policy/policyFile";
import { QTable } from "../../../keeper/policy/qTable";
import { makeEnvFactory, generatedScenarioNames } from "../../../keeper/policy/simAdapter";
import { makeChainEnv } from "./fixtures";

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

describe("the reward (keeper/policy/reward.ts)", () => {
  const w = { per: "quote" as const, trackingPenaltyPerBps: 2, drawdownPenalty: 0.5 };
  it("is net revenue minus the tracking penalty and the weighted drawdown increase", () => {
    expect(rewardOf({ netRevenue: 100, trackingBps: 0, drawdownIncrease: 0 }, w, 1)).to.equal(100);
    expect(rewardOf({ netRevenue: 100, trackingBps: 10, drawdownIncrease: 0 }, w, 1)).to.equal(80);
    expect(rewardOf({ netRevenue: 100, trackingBps: 10, drawdownIncrease: 40 }, w, 1)).to.equal(60);
    // Revenue lost is a negative reward, whatever the action that lost it.
    expect(rewardOf({ netRevenue: -30, trackingBps: 0, drawdownIncrease: 30 }, w, 1)).to.equal(-45);
  });
  it("is in bps of the starting quote depth under per depthBps (tracking weight in the same unit)", () => {
    const d = { ...w, per: "depthBps" as const };
    const unit = quotePerRewardUnit(d, 1e8);
    expect(unit).to.equal(1e4);
    expect(rewardOf({ netRevenue: 2e4, trackingBps: 10, drawdownIncrease: 2e4 }, d, unit)).to.equal(2 - 20 - 1);
    expect(quotePerRewardUnit(w, 1e8)).to.equal(1);
    expect(() => quotePerRewardUnit(d, 0)).to.throw(/positive starting depth/);
  });
  it("is linear: the reward of summed parts is the sum of the step rewards", () => {
    const steps = [
      { netRevenue: 5, trackingBps: 3, drawdownIncrease: 0 },
      { netRevenue: -7, trackingBps: 1, drawdownIncrease: 7 },
      { netRevenue: 11, trackingBps: 8, drawdownIncrease: 0 },
    ];
    const total = { netRevenue: 9, trackingBps: 12, drawdownIncrease: 7 };
    const sum = steps.reduce((s, p) => s + rewardOf(p, w, 3), 0);
    expect(rewardOf(total, w, 3)).to.be.closeTo(sum, 1e-12);
  });
  it("has no term that pays an action for itself: the old depth credit is refused by name, as is a negative weight", () => {
    expect(() => parseMdpConfig({ ...DEFAULT_TRAIN_MDP, reward: { ...DEFAULT_TRAIN_MDP.reward, depthCreditPerBps: 400 } })).to.throw(/reward.*depthCreditPerBps/);
    expect(() => parseMdpConfig({ ...DEFAULT_TRAIN_MDP, reward: { ...DEFAULT_TRAIN_MDP.reward, drawdownPenalty: -1 } })).to.throw(/reward\.drawdownPenalty/);
  });
  it("round-trips through a policy file", () => {
    const mk = (mdp: MdpConfig) => parsePolicyFile(serialisePolicyFile(buildPolicyFile({ name: "t", mdp, table: new QTable(2, 2), training: {}, trainingCurve: [] })));
    expect(mk({ ...chainMdp, reward: w }).mdp.reward).to.deep.equal(w);
  });
  it("gets its parts from the simulator's env port: a k step's cost is in netRevenue, nothing credits the step itself", () => {
    const name = generatedScenarioNames("train", 1)[0];
    const holdEnv = makeEnvFactory()(name, 11);
    holdEnv.reset();
    const held = holdEnv.step({ kind: "hold" });
    const upEnv = makeEnvFactory()(name, 11);
    upEnv.reset();
    const up = upEnv.step({ kind: "kUp", stepBps: 100 });
    expect(Object.keys(up.parts).sort()).to.deep.equal(["drawdownIncrease", "netRevenue", "trackingBps"]);
    expect(up.obs.sqrtK).to.be.greaterThan(held.obs.sqrtK);
    expect(up.parts.drawdownIncrease).to.be.at.least(0);
    expect(held.parts.trackingBps).to.be.greaterThan(0);
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
