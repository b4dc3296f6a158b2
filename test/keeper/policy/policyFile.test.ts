import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildPolicyFile,
  checksumOf,
  loadPolicyFile,
  parsePolicyFile,
  savePolicyFile,
  serialisePolicyFile,
  type PolicyFile,
} from "../../../keeper/policy/policyFile";
import { DEFAULT_MDP } from "../../../keeper/policy/mdpConfig";
import { QTable } from "../../../keeper/policy/qTable";
import { createStateSpace } from "../../../keeper/policy/stateIndex";
import { QPolicy } from "../../../keeper/policy/qPolicy";
import { DEFAULT_TRAIN_MDP } from "../../../keeper/policy/training/defaultRun";
import { freezeRuleActions } from "../../../keeper/policy/ruleActions";
import { makeObs } from "./fixtures";
import { tempDir } from "../../helpers/tempDir";

function sample(): PolicyFile {
  const n = createStateSpace(DEFAULT_MDP.state).size;
  const t = new QTable(n, DEFAULT_MDP.actions.length);
  for (let i = 0; i < t.q.length; i++) {
    t.q[i] = Math.sin(i) * 1e3 + 1 / 3;
    t.visits[i] = i % 17;
  }
  return buildPolicyFile({
    name: "unit",
    mdp: DEFAULT_MDP,
    table: t,
    training: { episodes: 3, seed: 9 },
    trainingCurve: [{ episode: 0, reward: 1.5, epsilon: 1 }],
  });
}

/** Re-signs an edited file so only the edit (not the checksum) is what the loader objects to. */
function resign(f: Record<string, unknown>): string {
  const { checksum: _drop, ...content } = f;
  return JSON.stringify({ ...content, checksum: checksumOf(content as never) });
}

describe("policy file", () => {
  describe("round trip", () => {
    it("saves and loads the same table, visits, MDP and curve bit for bit", () => {
      const f = sample();
      const dir = tempDir("policy-");
      const path = join(dir, "p.json");
      savePolicyFile(path, f);
      const l = loadPolicyFile(path);
      expect(Array.from(l.table.q)).to.deep.equal(f.qTable);
      expect(Array.from(l.table.visits)).to.deep.equal(f.visits);
      expect(l.mdp).to.deep.equal(DEFAULT_MDP);
      expect(l.trainingCurve).to.deep.equal(f.trainingCurve);
      expect(l.checksum).to.equal(f.checksum).and.match(/^sha256:[0-9a-f]{64}$/);
    });
    it("has a checksum independent of key order and whitespace", () => {
      const f = sample();
      const reordered = JSON.stringify(Object.fromEntries(Object.entries(f).reverse()), null, 2);
      expect(parsePolicyFile(reordered).checksum).to.equal(f.checksum);
    });
    it("drives a QPolicy that acts greedily on the loaded table", () => {
      const l = parsePolicyFile(serialisePolicyFile(sample()));
      const p = new QPolicy(l);
      const obs = makeObs({ longOI: 10, gapBps: 30 });
      const d = p.decide(obs);
      expect(d.stateIndex).to.equal(p.space.index(obs));
      expect(d.actionIndex).to.equal(l.table.greedy(d.stateIndex));
      expect(d.action).to.deep.equal(DEFAULT_MDP.actions[d.actionIndex]);
      expect(d.qValues).to.deep.equal(l.table.row(d.stateIndex));
    });
  });

  describe("the shipped default policy", () => {
    it("loads, verifies its checksum and uses the default training MDP, its rule actions with today's tuned options", () => {
      const l = loadPolicyFile(join(__dirname, "../../../policies/default.json"));
      // A retune of baselines/tuned.json without a retrain fails here: the file's rules would differ from the tuned ones.
      expect(l.mdp).to.deep.equal(freezeRuleActions(DEFAULT_TRAIN_MDP));
      expect(l.table.nStates).to.equal(createStateSpace(DEFAULT_TRAIN_MDP.state).size);
      expect(Array.from(l.table.visits).reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
    });
  });

  describe("rejects", () => {
    it("a corrupted value with a checksum mismatch", () => {
      const f = sample();
      const bad = { ...f, qTable: f.qTable.map((v, i) => (i === 5 ? v + 1 : v)) };
      expect(() => parsePolicyFile(JSON.stringify(bad), "x.json")).to.throw(/x\.json: checksum mismatch/);
    });
    it("a truncated file", () => {
      const text = serialisePolicyFile(sample());
      expect(() => parsePolicyFile(text.slice(0, text.length / 2), "t.json")).to.throw(/t\.json is truncated or not valid JSON/);
    });
    it("another schema version", () => {
      const f = sample() as unknown as Record<string, unknown>;
      expect(() => parsePolicyFile(resign({ ...f, schemaVersion: 1 }), "v.json")).to.throw(/schema version 1 is not supported \(this build reads version 2\)/);
    });
    it("a table whose size does not match the action set", () => {
      const f = sample();
      const fewer = { ...f, mdp: { ...f.mdp, actions: f.mdp.actions.slice(0, 3) }, nActions: 3 };
      expect(() => parsePolicyFile(resign(fewer), "s.json")).to.throw(/Q-table has \d+ entries, expected 63 states × 3 actions = 189 \(action set and table size do not match\)/);
      const wrongCount = { ...f, nActions: 4 };
      expect(() => parsePolicyFile(resign(wrongCount), "s.json")).to.throw(/nActions is 4 but the action set lists 5 actions/);
    });
    it("a malformed field, naming it", () => {
      const f = sample();
      expect(() => parsePolicyFile(resign({ ...f, visits: f.visits.map((v, i) => (i === 0 ? -1 : v)) }), "m.json")).to.throw(/m\.json is malformed: visits\.0/);
      expect(() => parsePolicyFile(JSON.stringify({ ...f, checksum: "md5:abc" }), "c.json")).to.throw(/checksum missing or malformed/);
      expect(() => parsePolicyFile("[]", "a.json")).to.throw(/not a JSON object/);
    });
    it("a missing file with its path", () => {
      const dir = tempDir("policy-");
      expect(() => loadPolicyFile(join(dir, "nope.json"))).to.throw(/cannot read policy file .*nope\.json/);
      writeFileSync(join(dir, "empty.json"), "");
      expect(() => loadPolicyFile(join(dir, "empty.json"))).to.throw(/truncated or not valid JSON/);
    });
  });
});
