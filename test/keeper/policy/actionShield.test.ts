import { expect } from "chai";
import fc from "fast-check";
import { allActionsMask, createActionMask, createGuardMask, guardForbidsRepeg, isAllowed, isTrackingShieldActive } from "../../../keeper/policy/actionShield";
import { DEFAULT_REWARD_WEIGHTS, parseMdpConfig, type MdpConfig } from "../../../keeper/policy/mdpConfig";
import { buildPolicyFile, parsePolicyFile, serialisePolicyFile, checksumOf } from "../../../keeper/policy/policyFile";
import { QLearner, type LearnerConfig } from "../../../keeper/policy/qLearning";
import { QTable, argmaxRowMasked } from "../../../keeper/policy/qTable";
import { QPolicy } from "../../../keeper/policy/qPolicy";
import { createRng } from "../../../keeper/policy/rng";
import { createStateSpace, gapBps } from "../../../keeper/policy/stateIndex";
import { train } from "../../../keeper/policy/training/trainer";
import type { PolicyEnv } from "../../../keeper/policy/training/envPort";
import type { RewardParts } from "../../../keeper/policy/reward";
import type { Action } from "../../../keeper/core/policyTypes";
import { makeObs } from "./fixtures";
import { kIncreaseMoveBps } from "../../../keeper/sim/guards";

// Actions: 0 hold, 1 repeg ½, 2 repeg all, 3 k up. Repeg mask = 0b0110.
const shielded: MdpConfig = {
  state: { imbalance: { normaliseBy: "totalOI", edges: [0] }, gapBps: { edges: [-10, 10] } },
  actions: [{ kind: "hold" }, { kind: "repeg", fraction: 0.5 }, { kind: "repeg", fraction: 1 }, { kind: "kUp", stepBps: 100 }],
  reward: { ...DEFAULT_REWARD_WEIGHTS },
  trackingShield: { gapBps: 20 },
};
const REPEGS = 0b0110;
const NO_PARTS: RewardParts = { netRevenue: 0, trackingBps: 0, drawdownIncrease: 0 };
const learnerCfg = (eps: number): LearnerConfig => ({
  gamma: 0.9,
  epsilon: { kind: "constant", value: eps },
  learningRate: { kind: "constant", value: 0.5 },
  doubleQ: false,
  initialQ: 0,
});

describe("tracking shield (action masking)", () => {
  describe("the mask", () => {
    const mask = createActionMask(shielded);
    it("allows only the repeg actions when |gap| exceeds the limit, on either side", () => {
      expect(mask(makeObs({ gapBps: 25 }))).to.equal(REPEGS);
      expect(mask(makeObs({ gapBps: -25 }))).to.equal(REPEGS);
    });
    it("allows every action at or inside the limit", () => {
      for (const g of [0, 19.9, -19.9]) expect(mask(makeObs({ gapBps: g }))).to.equal(0b1111);
    });
    it("allows every action when the MDP has no shield", () => {
      const { trackingShield: _s, ...plain } = shielded;
      expect(createActionMask(plain)(makeObs({ gapBps: 500 }))).to.equal(0b1111);
    });
    it("has bit helpers that agree", () => {
      expect(allActionsMask(3)).to.equal(7);
      expect([0, 1, 2, 3].map((a) => isAllowed(REPEGS, a))).to.deep.equal([false, true, true, false]);
      expect(() => allActionsMask(32)).to.throw(/1\.\.31 actions/);
    });
  });

  describe("as a repeg circuit breaker (repegOnlyWhenShielded)", () => {
    const breaker: MdpConfig = { ...shielded, trackingShield: { gapBps: 20, repegOnlyWhenShielded: true } };
    const NON_REPEGS = 0b1001;
    const mask = createActionMask(breaker);
    it("allows only repegs beyond the limit and everything but repegs at or inside it", () => {
      fc.assert(
        fc.property(fc.double({ min: -500, max: 500, noNaN: true }), (g) => {
          expect(mask(makeObs({ gapBps: g }))).to.equal(Math.abs(g) > 20 ? REPEGS : NON_REPEGS);
        }),
      );
    });
    it("leaves the plain shield's inside set untouched when the flag is false", () => {
      const plain = createActionMask({ ...shielded, trackingShield: { gapBps: 20, repegOnlyWhenShielded: false } });
      expect(plain(makeObs({ gapBps: 5 }))).to.equal(0b1111);
    });
    it("refuses the flag when every action is a repeg, naming the field", () => {
      const onlyRepegs = { ...breaker, actions: [{ kind: "repeg", fraction: 0.5 }, { kind: "repeg", fraction: 1 }] };
      expect(() => parseMdpConfig(onlyRepegs)).to.throw(/trackingShield\.repegOnlyWhenShielded: .*non-repeg action/);
      expect(() => createActionMask(onlyRepegs as MdpConfig)).to.throw(/non-repeg action/);
      expect(() => parseMdpConfig({ ...breaker, trackingShield: { gapBps: 20, repegOnlyWhenShielded: "yes" } })).to.throw(/trackingShield\.repegOnlyWhenShielded/);
    });
    it("is applied by QPolicy.decide after a policy-file round trip", () => {
      const space = createStateSpace(breaker.state);
      const table = new QTable(space.size, breaker.actions.length);
      for (let s = 0; s < space.size; s++) {
        table.q[s * 4 + 2] = 100; // full repeg best everywhere…
        table.q[s * 4 + 3] = 5;
      }
      const loaded = parsePolicyFile(serialisePolicyFile(buildPolicyFile({ name: "breaker", mdp: breaker, table, training: {}, trainingCurve: [] })));
      expect(loaded.mdp.trackingShield).to.deep.equal({ gapBps: 20, repegOnlyWhenShielded: true });
      const p = new QPolicy(loaded);
      expect(p.decide(makeObs({ gapBps: 10 })).action).to.deep.equal({ kind: "kUp", stepBps: 100 }); // …but not inside the limit
      expect(p.decide(makeObs({ gapBps: -40 })).action).to.deep.equal({ kind: "repeg", fraction: 1 });
    });
  });

  describe("with an exposure guard", () => {
    // sqrtK 1e6: minImbalance 0.05 = a net position of 50,000 base.
    const guarded: MdpConfig = { ...shielded, trackingShield: { gapBps: 20, exposureGuard: { minImbalance: 0.05, maxGapBps: 100 } } };
    const mask = createActionMask(guarded);
    const NON_REPEGS = 0b1001;
    const HOLD_ONLY = 0b0001;
    const netShort = { shortOI: 80_000 };
    const netLong = { longOI: 80_000 };
    it("forbids a repeg that would lock in the net position the informed flow would shrink", () => {
      // Net short, mark below the oracle: informed traders buy, shrinking the short.
      expect(mask(makeObs({ gapBps: -10, ...netShort }))).to.equal(NON_REPEGS);
      expect(mask(makeObs({ gapBps: 10, ...netLong }))).to.equal(NON_REPEGS);
      // Between the shield's limit and the guard's cap only hold is left.
      expect(mask(makeObs({ gapBps: -60, ...netShort }))).to.equal(HOLD_ONLY);
      expect(mask(makeObs({ gapBps: 99.9, ...netLong }))).to.equal(HOLD_ONLY);
    });
    it("allows the repeg when the informed flow would grow the net position instead", () => {
      expect(mask(makeObs({ gapBps: 10, ...netShort }))).to.equal(0b1111);
      expect(mask(makeObs({ gapBps: -60, ...netLong }))).to.equal(REPEGS);
    });
    it("is off for a net position at or below minImbalance, at a zero gap and beyond maxGapBps", () => {
      expect(mask(makeObs({ gapBps: -10, shortOI: 50_000 }))).to.equal(0b1111);
      expect(mask(makeObs({ gapBps: -60, shortOI: 50_000 }))).to.equal(REPEGS);
      expect(mask(makeObs({ gapBps: 0, ...netShort }))).to.equal(0b1111);
      expect(mask(makeObs({ gapBps: -100.5, ...netShort }))).to.equal(REPEGS);
    });
    it("agrees with the guard test and isTrackingShieldActive on random observations", () => {
      const plainMask = createActionMask(shielded);
      fc.assert(
        fc.property(fc.double({ min: -300, max: 300, noNaN: true }), fc.integer({ min: -200_000, max: 200_000 }), (gIn, d) => {
          const obs = makeObs({ gapBps: gIn, longOI: Math.max(d, 0), shortOI: Math.max(-d, 0) });
          const g = gapBps(obs); // as the mask sees it (a tiny input gap rounds to 0)
          const m = mask(obs);
          const forbids = guardForbidsRepeg(guarded.trackingShield!.exposureGuard!, obs);
          expect(forbids).to.equal(Math.abs(d) > 50_000 && g !== 0 && Math.abs(g) <= 100 && Math.sign(d) === Math.sign(g));
          expect(m).to.equal(forbids ? (Math.abs(g) > 20 ? HOLD_ONLY : NON_REPEGS) : plainMask(obs));
          expect(isTrackingShieldActive(guarded.trackingShield, obs)).to.equal(m === REPEGS);
        }),
      );
    });
    it("composes with the repeg circuit breaker", () => {
      const both = createActionMask({ ...guarded, trackingShield: { ...guarded.trackingShield!, repegOnlyWhenShielded: true } });
      expect(both(makeObs({ gapBps: 10, ...netShort }))).to.equal(NON_REPEGS);
      expect(both(makeObs({ gapBps: -60, ...netShort }))).to.equal(HOLD_ONLY);
      expect(both(makeObs({ gapBps: 60, ...netShort }))).to.equal(REPEGS);
    });
    it("is applied by QPolicy.decide after a policy-file round trip", () => {
      const space = createStateSpace(guarded.state);
      const table = new QTable(space.size, guarded.actions.length);
      for (let s = 0; s < space.size; s++) table.q[s * 4 + 2] = 100; // full repeg best everywhere
      const loaded = parsePolicyFile(serialisePolicyFile(buildPolicyFile({ name: "guarded", mdp: guarded, table, training: {}, trainingCurve: [] })));
      expect(loaded.mdp.trackingShield).to.deep.equal(guarded.trackingShield);
      const p = new QPolicy(loaded);
      expect(p.decide(makeObs({ gapBps: -60, ...netShort })).action).to.deep.equal({ kind: "hold" });
      expect(p.decide(makeObs({ gapBps: -60, ...netLong })).action).to.deep.equal({ kind: "repeg", fraction: 1 });
      expect(p.decide(makeObs({ gapBps: -150, ...netShort })).action).to.deep.equal({ kind: "repeg", fraction: 1 });
    });
    it("refuses a bad guard with the field named", () => {
      const withGuard = (g: unknown) => ({ ...shielded, trackingShield: { gapBps: 20, exposureGuard: g } });
      expect(() => parseMdpConfig(withGuard({ minImbalance: 0.05, maxGapBps: 20 }))).to.throw(/trackingShield\.exposureGuard\.maxGapBps: .*exceed/);
      expect(() => parseMdpConfig(withGuard({ minImbalance: -0.1, maxGapBps: 100 }))).to.throw(/trackingShield\.exposureGuard\.minImbalance/);
      expect(() => parseMdpConfig(withGuard({ minImbalance: 0.05 }))).to.throw(/trackingShield\.exposureGuard\.maxGapBps/);
      expect(() => parseMdpConfig(withGuard({ minImbalance: 0.05, maxGapBps: 100, extra: 1 }))).to.throw(/trackingShield\.exposureGuard/);
      const noHold = { ...guarded, actions: [{ kind: "repeg", fraction: 1 }, { kind: "kUp", stepBps: 100 }] };
      expect(() => parseMdpConfig(noHold)).to.throw(/trackingShield\.exposureGuard: .*hold action/);
      expect(() => createActionMask(noHold as MdpConfig)).to.throw(/hold action/);
    });
  });

  describe("config validation", () => {
    it("refuses a shield without any repeg action, naming the field", () => {
      expect(() => parseMdpConfig({ ...shielded, actions: [{ kind: "hold" }, { kind: "kUp", stepBps: 100 }] })).to.throw(/trackingShield: .*repeg action/);
    });
    it("refuses a non-positive limit, naming the field", () => {
      expect(() => parseMdpConfig({ ...shielded, trackingShield: { gapBps: 0 } })).to.throw(/trackingShield\.gapBps/);
      expect(() => parseMdpConfig({ ...shielded, trackingShield: { gapBps: 5, extra: 1 } })).to.throw(/trackingShield/);
    });
  });

  describe("in the learner", () => {
    it("explores only allowed actions under a mask", () => {
      const l = new QLearner(1, 4, learnerCfg(1), createRng(7));
      const seen = new Set<number>();
      for (let i = 0; i < 500; i++) seen.add(l.act(0, REPEGS));
      expect([...seen].sort()).to.deep.equal([1, 2]);
    });
    it("acts greedily over allowed actions only (plain and double Q)", () => {
      for (const doubleQ of [false, true]) {
        const l = new QLearner(1, 4, { ...learnerCfg(0), doubleQ }, createRng(1));
        for (let i = 0; i < 20; i++) l.update(0, 3, 100, 0, true); // k up is by far the best…
        l.update(0, 2, 1, 0, true);
        expect(l.greedy(0)).to.equal(3);
        expect(l.act(0, REPEGS)).to.equal(2); // …but masked out
      }
    });
    it("bootstraps from the best allowed action of the next state", () => {
      const l = new QLearner(2, 4, learnerCfg(0), createRng(0));
      l.update(1, 3, 100, 1, true); // Q(1, k up) = 50
      l.update(1, 1, 10, 1, true); // Q(1, repeg ½) = 5
      l.update(0, 0, 0, 1, false, REPEGS); // target 0.9·5, not 0.9·50
      expect(l.table().get(0, 0)).to.be.closeTo(0.5 * 0.9 * 5, 1e-12);
      l.update(0, 0, 0, 1, false); // no mask: 0.9·50
      expect(l.table().get(0, 0)).to.be.closeTo(2.25 + 0.5 * (45 - 2.25), 1e-12);
    });
    it("argmaxRowMasked refuses an empty mask", () => {
      expect(() => argmaxRowMasked(new Float64Array(4), 0, 4, 0)).to.throw(/allows none/);
    });
  });

  describe("in training", () => {
    it("never takes a masked action, exploring or greedy", () => {
      // Gap alternates beyond / inside the limit; k up pays, so unmasked it would be chosen everywhere.
      const taken: { gap: number; a: Action }[] = [];
      const env = (): PolicyEnv => {
        let t = 0;
        const gapAt = (i: number) => (i % 2 === 0 ? 30 : 0);
        return {
          reset: () => ((t = 0), makeObs({ gapBps: gapAt(0) })),
          step: (a) => {
            taken.push({ gap: gapAt(t), a });
            t++;
            return { obs: makeObs({ gapBps: gapAt(t) }), parts: { ...NO_PARTS, netRevenue: a.kind === "kUp" ? 10 : 0 }, done: t >= 30, terminal: false };
          },
        };
      };
      const res = train({
        mdp: shielded,
        config: { episodes: 20, seed: 2, curveEvery: 5, learner: { ...learnerCfg(0.3), learningRate: { kind: "visits", omega: 0.7, min: 0.05 } }, replay: { sweeps: 5, capacity: 1000 } },
        scenarios: ["alt"],
        makeEnv: env,
      });
      const beyond = taken.filter((x) => x.gap > 20);
      const inside = taken.filter((x) => x.gap <= 20);
      expect(beyond.length).to.be.greaterThan(100);
      for (const x of beyond) expect(x.a.kind).to.equal("repeg");
      expect(inside.filter((x) => x.a.kind === "kUp").length).to.be.greaterThan(inside.length / 2);
      expect(res.totalSteps).to.equal(600);
    });
  });

  describe("in QPolicy.decide and the policy file", () => {
    const space = createStateSpace(shielded.state);
    const table = new QTable(space.size, shielded.actions.length);
    for (let s = 0; s < space.size; s++) table.q[s * 4 + 3] = 100; // k up best everywhere
    for (let s = 0; s < space.size; s++) table.q[s * 4 + 1] = 5;
    const file = buildPolicyFile({ name: "shielded", mdp: shielded, table, training: {}, trainingCurve: [] });

    it("round-trips the shield through the file and applies it in decide", () => {
      const loaded = parsePolicyFile(serialisePolicyFile(file));
      expect(loaded.mdp.trackingShield).to.deep.equal({ gapBps: 20 });
      const p = new QPolicy(loaded);
      expect(p.decide(makeObs({ gapBps: 5 })).action).to.deep.equal({ kind: "kUp", stepBps: 100 });
      const far = p.decide(makeObs({ gapBps: -40 }));
      expect(far.action).to.deep.equal({ kind: "repeg", fraction: 0.5 });
      expect(far.actionIndex).to.equal(1);
      expect(far.qValues).to.deep.equal(loaded.table.row(far.stateIndex)); // the full row, for journals
    });
    it("covers the shield in the checksum", () => {
      const { checksum: _c, ...content } = file;
      const edited = { ...content, mdp: { ...content.mdp, trackingShield: { gapBps: 50 } } };
      expect(() => parsePolicyFile(JSON.stringify({ ...edited, checksum: file.checksum }))).to.throw(/checksum mismatch/);
      expect(checksumOf(edited as never)).to.not.equal(file.checksum);
    });
    it("still loads a file without a shield, and then allows every action", () => {
      const { trackingShield: _s, ...plain } = shielded;
      const old = parsePolicyFile(serialisePolicyFile(buildPolicyFile({ name: "old", mdp: plain, table, training: {}, trainingCurve: [] })));
      expect(old.mdp.trackingShield).to.equal(undefined);
      expect(new QPolicy(old).decide(makeObs({ gapBps: -40 })).action.kind).to.equal("kUp");
    });
  });
});

describe("guard-rail masking (createGuardMask, inside createActionMask)", () => {
  // 0 hold, 1 repeg all, 2 k +100, 3 k −50, 4 k −100.
  const actions: Action[] = [{ kind: "hold" }, { kind: "repeg", fraction: 1 }, { kind: "kUp", stepBps: 100 }, { kind: "kDown", stepBps: 50 }, { kind: "kDown", stepBps: 100 }];
  const mdp: MdpConfig = { state: { imbalance: { normaliseBy: "totalOI", edges: [0] } }, actions: actions as MdpConfig["actions"], reward: { ...DEFAULT_REWARD_WEIGHTS } };
  const mask = createGuardMask(actions);
  const withRoom = (o: Parameters<typeof makeObs>[0], moveBps: number, kDecreaseBps: number) => ({ ...makeObs(o), hookRoom: { moveBps, kDecreaseBps } });

  describe("with room everywhere", () => {
    it("allows every action", () => {
      expect(mask(withRoom({ longOI: 1000 }, 19, 500))).to.equal(allActionsMask(5));
      expect(mask(makeObs({}))).to.equal(allActionsMask(5)); // no hookRoom: nothing masked
    });
  });
  describe("when the k-decrease cap is spent", () => {
    it("masks every k decrease; with some room left the planner fits them, so they stay", () => {
      const spent = mask(withRoom({}, 19, 0));
      expect(isAllowed(spent, 3)).to.equal(false);
      expect(isAllowed(spent, 4)).to.equal(false);
      expect(isAllowed(spent, 2)).to.equal(true);
      const some = mask(withRoom({}, 19, 40));
      expect(isAllowed(some, 3)).to.equal(true);
      expect(isAllowed(some, 4)).to.equal(true);
    });
  });
  describe("when the move cap is spent", () => {
    it("masks repegs and a k increase that shifts the mark against a net position, keeps hold and a k increase with no net position", () => {
      const spent = mask(withRoom({ longOI: 50_000 }, 0, 500));
      expect(isAllowed(spent, 0)).to.equal(true);
      expect(isAllowed(spent, 1)).to.equal(false);
      expect(isAllowed(spent, 2)).to.equal(false);
      expect(isAllowed(mask(withRoom({}, 0, 500)), 2)).to.equal(true);
    });
    it("allows a k increase exactly when a 1 bp step fits the room (guards.ts kIncreaseMoveBps), as the planner fits it", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 19 }), (net, room) => {
          const o = withRoom({ longOI: net }, room, 500);
          const move = kIncreaseMoveBps(o.baseReserve, o.sqrtK, o.sqrtK * 1.0001, net);
          expect(isAllowed(mask(o), 2)).to.equal(move <= room);
        }),
        { numRuns: 200 },
      );
    });
  });
  describe("with the tracking shield", () => {
    it("falls back to hold when the guards refuse every action the shield allows", () => {
      const both = createActionMask({ ...mdp, trackingShield: { gapBps: 20 } });
      expect(both(withRoom({ gapBps: 30 }, 19, 500))).to.equal(1 << 1); // only the repeg
      expect(both(withRoom({ gapBps: 30 }, 0, 500))).to.equal(1 << 0); // repeg refused → hold
    });
    it("applies in QPolicy.decide: a k decrease is never chosen when the cap has no room", () => {
      const table = new QTable(2, 5);
      table.q.set([0, 0, 0, 0, 10, 0, 0, 0, 0, 10]); // k −100 best everywhere
      const p = new QPolicy({ name: "t", mdp, table, training: {}, trainingCurve: [], checksum: "" });
      expect(p.decide(withRoom({}, 19, 500)).actionIndex).to.equal(4);
      expect(p.decide(withRoom({}, 19, 0)).actionIndex).to.equal(0);
    });
  });
});
