import { expect } from "chai";
import fc from "fast-check";
import { createActionResolver, freezeRuleActions, hasRuleActions } from "../../../keeper/policy/ruleActions";
import { buildRule, parseRuleSpec, RULES } from "../../../keeper/policy/baselines/ruleCatalog";
import { createActionMask, isAllowed } from "../../../keeper/policy/actionShield";
import { DEFAULT_REWARD_WEIGHTS, actionLabel, parseMdpConfig, type MdpConfig } from "../../../keeper/policy/mdpConfig";
import { buildPolicyFile, parsePolicyFile, serialisePolicyFile } from "../../../keeper/policy/policyFile";
import { QTable } from "../../../keeper/policy/qTable";
import { QPolicy } from "../../../keeper/policy/qPolicy";
import { createStateSpace } from "../../../keeper/policy/stateIndex";
import { TrainingSession } from "../../../keeper/policy/training/trainer";
import type { PolicyEnv } from "../../../keeper/policy/training/envPort";
import type { Action, MarketObservation } from "../../../keeper/core/policyTypes";
import { makeObs, NO_PARTS } from "./fixtures";

const THRESHOLD = parseRuleSpec("threshold")!.options;
const DEPTH = parseRuleSpec("depth-seeking")!.options;

// Actions: 0 hold, 1 the threshold rule's step, 2 the depth-seeking rule's step.
const options: MdpConfig = {
  state: { imbalance: { normaliseBy: "totalOI", edges: [0] } },
  actions: [{ kind: "hold" }, { kind: "rule", rule: "threshold", options: { ...THRESHOLD } }, { kind: "rule", rule: "depth-seeking", options: { ...DEPTH } }],
  reward: { ...DEFAULT_REWARD_WEIGHTS },
};

/** Observations over gaps, net positions, budgets and volatility that make both rules take every kind of step. */
const arbObs = fc
  .record({
    gapBps: fc.integer({ min: -300, max: 300 }),
    longOI: fc.integer({ min: 0, max: 200_000 }),
    shortOI: fc.integer({ min: 0, max: 200_000 }),
    budget: fc.constantFrom(0, 1e3, 1e6, 1e9),
    markTwapBps: fc.integer({ min: -50, max: 50 }),
    volatility: fc.constantFrom(0, 0.05, 0.2),
  })
  .map((o) => makeObs(o));

describe("rule actions (options over rules)", () => {
  describe("the resolver", () => {
    it("stands for exactly what the rule decides at every observation", () => {
      const at = createActionResolver(options.actions);
      const threshold = buildRule("threshold")!;
      const depth = buildRule("depth-seeking")!;
      const kinds = new Set<string>();
      fc.assert(
        fc.property(arbObs, (obs) => {
          const acts = at(obs);
          expect(acts[0]).to.deep.equal({ kind: "hold" });
          expect(acts[1]).to.deep.equal(threshold.decide(obs).action);
          expect(acts[2]).to.deep.equal(depth.decide(obs).action);
          acts.forEach((a) => kinds.add(a.kind));
        }),
        { numRuns: 300, seed: 11 },
      );
      // The observations reach every market action, so the comparison covers each kind.
      expect([...kinds].sort()).to.deep.equal(["hold", "kDown", "kUp", "repeg"]);
    });

    it("returns the action list itself for an MDP without rule actions", () => {
      const plain = [{ kind: "hold" as const }, { kind: "repeg" as const, fraction: 1 }];
      expect(hasRuleActions(plain)).to.equal(false);
      expect(createActionResolver(plain)(makeObs({ gapBps: 50 }))).to.equal(plain);
    });

    it("refuses an unknown rule, a rule that keeps state, and unknown or missing options, naming the action", () => {
      expect(() => createActionResolver([{ kind: "hold" }, { kind: "rule", rule: "oracle-peek", options: {} }])).to.throw(/actions\[1\]\.rule: no such rule "oracle-peek"/);
      expect(() => createActionResolver([{ kind: "rule", rule: "drift", options: parseRuleSpec("drift")!.options }])).to.throw(/actions\[0\]\.rule: rule drift keeps state/);
      expect(() => createActionResolver([{ kind: "rule", rule: "threshold", options: { ...THRESHOLD, spread: 3 } }])).to.throw(/actions\[0\]\.options\.spread: rule threshold has no option spread/);
      const { kUpStepBps: _k, ...partial } = THRESHOLD;
      expect(() => createActionResolver([{ kind: "rule", rule: "threshold", options: partial }])).to.throw(/actions\[0\]\.options: rule threshold needs every option; missing kUpStepBps/);
    });

    it("every rule marked stateless decides the same at the same observation whatever it saw before", () => {
      for (const [name, def] of RULES) {
        if (!def.stateless) continue;
        const fresh = () => def.build({ ...def.defaults }, name);
        fc.assert(
          fc.property(fc.array(arbObs, { minLength: 1, maxLength: 6 }), arbObs, (history, obs) => {
            const used = fresh();
            history.forEach((o) => used.decide(o));
            expect(used.decide(obs).action).to.deep.equal(fresh().decide(obs).action);
          }),
          { numRuns: 40, seed: 5 },
        );
      }
    });
  });

  describe("freezeRuleActions", () => {
    it("fills a rule action's options from the defaults, tuned.json and its own, and leaves other MDPs alone", () => {
      const partial = parseMdpConfig({ ...options, actions: [{ kind: "hold" }, { kind: "rule", rule: "depth-seeking", options: { kUpStepBps: 50 } }] });
      const frozen = freezeRuleActions(partial);
      expect(frozen.actions[1]).to.deep.equal({ kind: "rule", rule: "depth-seeking", options: { ...DEPTH, kUpStepBps: 50 } });
      expect(freezeRuleActions(frozen)).to.deep.equal(frozen);
      const plain = parseMdpConfig({ ...options, actions: [{ kind: "hold" }, { kind: "kUp", stepBps: 100 }] });
      expect(freezeRuleActions(plain)).to.equal(plain);
    });
    it("refuses an unknown rule or option, naming it", () => {
      expect(() => freezeRuleActions({ ...options, actions: [{ kind: "rule", rule: "nope" }] })).to.throw(/actions\[0\]\.rule: no such rule "nope"/);
      expect(() => freezeRuleActions({ ...options, actions: [{ kind: "rule", rule: "threshold", options: { bogus: 1 } }] })).to.throw(/has no option bogus/);
    });
  });

  describe("under the tracking shield", () => {
    it("allows a rule action beyond the limit only where its rule repegs", () => {
      const shielded = parseMdpConfig({ ...options, trackingShield: { gapBps: 30 } });
      const mask = createActionMask(shielded);
      // Beyond 30 bps with the users net long and the mark above (the repeg earns): both rules repeg.
      const earning = makeObs({ gapBps: 40, longOI: 50_000 });
      expect(createActionResolver(shielded.actions)(earning).map((a) => a.kind)).to.deep.equal(["hold", "repeg", "repeg"]);
      expect([0, 1, 2].map((i) => isAllowed(mask(earning), i))).to.deep.equal([false, true, true]);
      // Beyond 30 bps but inside depth-seeking's 60 bps trigger, the repeg costing: only threshold repegs.
      const costing = makeObs({ gapBps: 40, shortOI: 50_000 });
      const kinds = createActionResolver(shielded.actions)(costing).map((a) => a.kind);
      expect(kinds[1]).to.equal("repeg");
      expect(kinds[2]).to.not.equal("repeg");
      expect([0, 1, 2].map((i) => isAllowed(mask(costing), i))).to.deep.equal([false, true, false]);
    });
    it("without a hold action, falls back to the rule actions that hold when no rule repegs beyond the limit", () => {
      const rulesOnly = parseMdpConfig({ ...options, actions: options.actions.slice(1), trackingShield: { gapBps: 30 } });
      // An empty budget: no rule can repeg; threshold holds, depth-seeking steps k down (volatility).
      const broke = makeObs({ gapBps: 100, shortOI: 50_000, budget: 0, volatility: 0.2 });
      const acts = createActionResolver(rulesOnly.actions)(broke);
      expect(acts[0].kind).to.equal("hold");
      expect(acts[1].kind).to.not.equal("hold");
      expect(createActionMask(rulesOnly)(broke)).to.equal(0b01);
    });
    it("refuses a repeg circuit breaker whose only alternatives are rule actions (a rule may repeg)", () => {
      expect(() => parseMdpConfig({ ...options, actions: options.actions.slice(1), trackingShield: { gapBps: 30, repegOnlyWhenShielded: true } })).to.throw(/repegOnlyWhenShielded: .*a rule action may repeg/);
    });
    it("accepts a shield whose only possible repegs are rule actions, and refuses one with neither", () => {
      expect(() => parseMdpConfig({ ...options, actions: options.actions.slice(1), trackingShield: { gapBps: 30 } })).to.not.throw();
      expect(() => parseMdpConfig({ ...options, actions: [{ kind: "hold" }], trackingShield: { gapBps: 30 } })).to.throw(/trackingShield: .*repeg/);
    });
  });

  describe("in QPolicy and the policy file", () => {
    const space = createStateSpace(options.state);
    const table = new QTable(space.size, options.actions.length);
    for (let s = 0; s < space.size; s++) table.q[s * 3 + 2] = 10; // depth-seeking's step best everywhere
    const file = buildPolicyFile({ name: "options", mdp: options, table, training: {}, trainingCurve: [] });

    it("returns the market action the chosen rule decides, after a file round trip", () => {
      const policy = new QPolicy(parsePolicyFile(serialisePolicyFile(file)));
      const depth = buildRule("depth-seeking")!;
      fc.assert(
        fc.property(arbObs, (obs) => {
          const d = policy.decide(obs);
          expect(d.actionIndex).to.equal(2);
          expect(d.action).to.deep.equal(depth.decide(obs).action);
        }),
        { numRuns: 100, seed: 3 },
      );
      expect(options.actions.map(actionLabel)).to.deep.equal(["hold", "rule threshold", "rule depth-seeking"]);
    });

    it("refuses at load a file whose rule action is unknown, keeps state or lacks an option, naming the field", () => {
      const withAction = (a: unknown) => serialisePolicyFile(buildPolicyFile({ name: "bad", mdp: { ...options, actions: [options.actions[0], a, options.actions[2]] } as MdpConfig, table, training: {}, trainingCurve: [] }));
      expect(() => parsePolicyFile(withAction({ kind: "rule", rule: "drift", options: { ...parseRuleSpec("drift")!.options } }))).to.throw(/policy file .*: mdp\.actions\[1\]\.rule: rule drift keeps state/);
      expect(() => parsePolicyFile(withAction({ kind: "rule", rule: "nope", options: {} }))).to.throw(/policy file .*: mdp\.actions\[1\]\.rule: no such rule "nope"/);
      const { maxExposure: _m, ...partial } = DEPTH;
      expect(() => parsePolicyFile(withAction({ kind: "rule", rule: "depth-seeking", options: partial }))).to.throw(/mdp\.actions\[1\]\.options: rule depth-seeking needs every option; missing maxExposure/);
    });

    it("chooses the best rule among those the shield allows", () => {
      // depth-seeking's column is best, but beyond the 30 bps shield where only threshold repegs, threshold acts.
      const shieldedFile = buildPolicyFile({ name: "s", mdp: { ...options, trackingShield: { gapBps: 30 } }, table, training: {}, trainingCurve: [] });
      const d = new QPolicy(parsePolicyFile(serialisePolicyFile(shieldedFile))).decide(makeObs({ gapBps: 40, shortOI: 50_000 }));
      expect(d.actionIndex).to.equal(1);
      expect(d.action.kind).to.equal("repeg");
    });
  });

  describe("in training", () => {
    it("executes the rule's decision at the observation, never the rule action itself", () => {
      const seen: { obs: MarketObservation; a: Action }[] = [];
      const gaps = [40, -40, 5, 80, -5];
      const env = (): PolicyEnv => {
        let t = 0;
        const obsAt = (i: number) => makeObs({ gapBps: gaps[i % gaps.length], longOI: 30_000, volatility: i % 3 === 0 ? 0.2 : 0 });
        return {
          reset: () => ((t = 0), obsAt(0)),
          step: (a) => {
            seen.push({ obs: obsAt(t), a });
            t++;
            return { obs: obsAt(t), parts: NO_PARTS, done: t >= 20, terminal: false };
          },
        };
      };
      const partial: MdpConfig = { ...options, actions: [{ kind: "rule", rule: "threshold" }, { kind: "rule", rule: "depth-seeking" }] };
      const session = new TrainingSession(freezeRuleActions(partial), { seed: 4, learner: { gamma: 0.9, epsilon: { kind: "constant", value: 1 }, learningRate: { kind: "constant", value: 0.5 }, doubleQ: false, initialQ: 0 } }, env);
      // Record the column the learner picked at every step.
      const picked: number[] = [];
      const act = session.learner.act.bind(session.learner);
      session.learner.act = (s: number, mask?: number) => {
        const a = act(s, mask);
        picked.push(a);
        return a;
      };
      for (let ep = 0; ep < 5; ep++) session.runEpisode(ep, "x", ep + 1);
      const rules = [buildRule("threshold")!, buildRule("depth-seeking")!];
      expect(seen).to.have.length(100);
      expect(new Set(picked)).to.deep.equal(new Set([0, 1]));
      let differ = 0;
      seen.forEach(({ obs, a }, k) => {
        expect(["hold", "repeg", "kUp", "kDown"]).to.include(a.kind);
        expect(a, `step ${k}`).to.deep.equal(rules[picked[k]].decide(obs).action);
        if (JSON.stringify(rules[0].decide(obs).action) !== JSON.stringify(rules[1].decide(obs).action)) differ++;
      });
      // The two rules disagree on most of these observations, so a swapped column would be caught.
      expect(differ).to.be.greaterThan(30);
    });
  });
});
