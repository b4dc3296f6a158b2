import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadScenario, loadScenarioSet, parseScenario } from "../../../keeper/sim/scenario";
import { generateOraclePath } from "../../../keeper/sim/oracle/paths";

const root = path.resolve(__dirname, "../../..");

function raw(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, "scenarios/train/gbm-calm.json"), "utf8"));
}

describe("sim scenarios", () => {
  describe("the scenario sets", () => {
    const train = loadScenarioSet("train", root);
    const test = loadScenarioSet("test", root);
    it("has at least 6 train and 6 test scenarios that all validate", () => {
      expect(train.length).to.be.at.least(6);
      expect(test.length).to.be.at.least(6);
    });
    it("keeps the test set held out: disjoint names, seeds and oracle paths", () => {
      const key = (o: unknown) => JSON.stringify(o);
      const trainSeeds = new Set(train.map((s) => s.seed));
      const trainPaths = new Set(train.map((s) => key(s.oracle)));
      const trainNames = new Set(train.map((s) => s.name));
      for (const s of test) {
        expect(trainSeeds.has(s.seed), `seed ${s.seed}`).to.equal(false);
        expect(trainPaths.has(key(s.oracle)), `oracle of ${s.name}`).to.equal(false);
        expect(trainNames.has(s.name)).to.equal(false);
      }
    });
    it("generates a positive oracle path for every scenario, replays included", () => {
      for (const s of [...train, ...test]) {
        const p = generateOraclePath(s.oracle, s.horizonSec, s.oracleDtSec, 1, root);
        expect(p.prices.length).to.equal(Math.ceil(s.horizonSec / s.oracleDtSec) + 1);
        expect(Array.from(p.prices).every((x) => x > 0 && Number.isFinite(x)), s.name).to.equal(true);
      }
    });
  });

  describe("schema rejections name the file and the field", () => {
    it("an unknown key", () => {
      const r = raw();
      (r.traders as Record<string, unknown>).informedShare = 0.2;
      expect(() => parseScenario(r, "bad.json")).to.throw(/scenario bad\.json: traders: Unrecognized key.*informedShare/);
    });
    it("a probability out of range", () => {
      const r = raw();
      (r.traders as Record<string, unknown>).informedProb = 1.5;
      expect(() => parseScenario(r, "bad.json")).to.throw(/traders\.informedProb: .*1/);
    });
    it("a missing field and a wrong oracle kind", () => {
      const r = raw();
      delete r.horizonSec;
      (r.oracle as Record<string, unknown>).kind = "brownian";
      expect(() => parseScenario(r, "bad.json")).to.throw(/horizonSec: .*oracle\.kind/s);
    });
    it("a jump beyond the horizon and a decision interval below the oracle step", () => {
      const r = raw();
      r.oracle = { kind: "jump", initialPrice: 2000, volPerSqrtDay: 0.01, jumps: [{ atSec: 1e9, size: -0.3 }] };
      expect(() => parseScenario(r, "bad.json")).to.throw(/oracle\.jumps: a jump at 1000000000s lies beyond horizonSec/);
      const r2 = raw();
      r2.decisionIntervalSec = 30;
      expect(() => parseScenario(r2, "bad.json")).to.throw(/decisionIntervalSec \(30\) must be ≥ oracleDtSec \(60\)/);
    });
    it("a file that is not JSON, and a replay outside the data's span", () => {
      const f = path.join(os.tmpdir(), `bad-scenario-${process.pid}.json`);
      fs.writeFileSync(f, "{ nope");
      expect(() => loadScenario(f)).to.throw(/not readable JSON/);
      fs.unlinkSync(f);
      const spec = { kind: "replay" as const, file: "data/prices/SOLUSDT_5m.csv", start: "2030-01-01T00:00:00Z", timeScale: 1 };
      expect(() => generateOraclePath(spec, 86400, 60, 1, root)).to.throw(/replay: data\/prices\/SOLUSDT_5m\.csv covers/);
    });
  });
});
