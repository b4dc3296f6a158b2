import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { familyLookup, resolveScenarioSource, scenarioFamily, SealedSplitError } from "../../../../keeper/policy/eval/scenarioSource";
import { generateScenario, seedOf } from "../../../../keeper/sim/scenarios/generator";
import { FAMILIES } from "../../../../keeper/sim/scenarios/generatorConfig";
import { evaluate } from "../../../../keeper/policy/eval/evaluate";
import { generateOraclePath } from "../../../../keeper/sim/oracle/paths";
import { tempDir } from "../../../helpers/tempDir";

const root = path.resolve(__dirname, "../../../..");

/** A user's scenario: a 1-day replay of their own CSV with columns "when" and "px". */
function userScenario(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "my-replay",
    split: "validation",
    seed: 7,
    horizonSec: 86400,
    decisionIntervalSec: 3600,
    oracle: { kind: "replay", file: "prices.csv", start: "2024-01-01T00:00:00Z", timeColumn: "when", priceColumn: "px" },
    market: { sqrtK: 100000, budget: 50000 },
    traders: {
      arrivalRatePerSec: 0.2,
      informedProb: 0.05,
      uninformed: { notionalMedian: 2000, notionalLogSd: 1, holdingMeanSec: 7200, leverage: 5 },
      informed: { capital: 50000, leverage: 5, edgeBps: 40 },
    },
    ...overrides,
  };
}

function csv(rows: number, bad?: { row: number; text: string }): string {
  const lines = ["when,px"];
  const t0 = Date.parse("2024-01-01T00:00:00Z");
  for (let i = 0; i < rows; i++) lines.push(bad && bad.row === i ? bad.text : `${new Date(t0 + i * 600_000).toISOString()},${(100 * (1 + 0.01 * Math.sin(i / 5))).toFixed(4)}`);
  return lines.join("\n") + "\n";
}

async function userDirFixture() {
  const dir = tempDir("damm-user-scn-");
  fs.writeFileSync(path.join(dir, "prices.csv"), csv(200));
  fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify(userScenario(), null, 2));
  fs.writeFileSync(path.join(dir, "b.json"), JSON.stringify(userScenario({ name: "my-replay-deep", market: { sqrtK: 300000, budget: 50000 } }), null, 2));
  return { dir };
}

describe("evaluate --scenarios", () => {
  describe("generated splits", () => {
    it("runs each generated scenario on its own seed", () => {
      const s = resolveScenarioSource("validation", { count: 5, seeds: 20, projectRoot: root });
      expect(s.cases.length).to.equal(5);
      expect(s.cases.every((c) => c.seed === c.scenario.seed && c.scenario.split === "validation")).to.equal(true);
    });
    it("refuses the sealed test split unless the release command opens it", () => {
      expect(() => resolveScenarioSource("test", { count: 2, seeds: 2, projectRoot: root })).to.throw(SealedSplitError, /evaluate:release/);
      expect(resolveScenarioSource("test", { count: 2, seeds: 2, projectRoot: root, allowTest: true }).cases.length).to.equal(2);
    });
    it("takes the first n scenarios of every family, in seed order, with --per-family", () => {
      const s = resolveScenarioSource("validation", { count: 5, perFamily: 3, seeds: 20, projectRoot: root });
      const fams = s.scenarios.map(scenarioFamily);
      for (const f of FAMILIES) expect(fams.filter((x) => x === f), f).to.have.length(3);
      const seeds = s.scenarios.map((x) => x.seed);
      expect(seeds).to.deep.equal([...seeds].sort((a, b) => a - b));
      // No scenario of a family is skipped before that family's last chosen one.
      const chosen = new Set(seeds);
      for (let i = 0; seedOf("validation", i) <= seeds[seeds.length - 1]; i++) {
        const sc = generateScenario(seedOf("validation", i));
        const lastOfFamily = Math.max(...s.scenarios.filter((x) => scenarioFamily(x) === scenarioFamily(sc)).map((x) => x.seed));
        if (sc.seed < lastOfFamily) expect(chosen.has(sc.seed), sc.name).to.equal(true);
      }
      expect(s.cases.every((c) => c.seed === c.scenario.seed && c.scenario.adversaries.sandwich !== undefined)).to.equal(true);
      expect(s.label).to.match(/3 generated scenarios per family × 7 families = 21/);
    });
    it("looks up an evaluated scenario's family by name (a replay of the user's own series is real), and refuses a name it was not given", async () => {
      const s = resolveScenarioSource("validation", { count: 5, perFamily: 1, seeds: 2, projectRoot: root });
      const familyOf = familyLookup(s.scenarios);
      expect(s.scenarios.map((sc) => familyOf(sc.name))).to.have.members([...FAMILIES]);
      const { dir } = await loadFixture(userDirFixture);
      const user = resolveScenarioSource(dir, { count: 5, seeds: 2, projectRoot: root });
      expect(user.scenarios.map((sc) => familyLookup(user.scenarios)(sc.name))).to.deep.equal(["real", "real"]);
      expect(() => familyOf("validation-999-gbm")).to.throw(/scenario "validation-999-gbm" is not among the evaluated scenarios/);
    });
    it("keeps the test split sealed with --per-family, and refuses --per-family on a file", () => {
      expect(() => resolveScenarioSource("test", { count: 2, perFamily: 20, seeds: 2, projectRoot: root })).to.throw(SealedSplitError);
      expect(() => resolveScenarioSource(path.join(root, "package.json"), { count: 2, perFamily: 2, seeds: 2, projectRoot: root })).to.throw(/--per-family applies to the generated splits/);
    });
    it("names an unknown source", () => {
      expect(() => resolveScenarioSource("nope/none.json", { count: 2, seeds: 2, projectRoot: root })).to.throw(/"nope\/none.json" is neither train, validation, test nor an existing file or directory/);
    });
  });

  describe("a user's scenario file and price CSV", () => {
    it("replays the user's CSV by the time and price columns the scenario names", async () => {
      const { dir } = await loadFixture(userDirFixture);
      const s = resolveScenarioSource(path.join(dir, "a.json"), { count: 20, seeds: 3, projectRoot: root });
      expect(s.cases.map((c) => c.seed).length).to.equal(3);
      const sc = s.scenarios[0];
      const p = generateOraclePath(sc.oracle, sc.horizonSec, sc.oracleDtSec, sc.seed, root);
      expect(p.prices[0]).to.be.closeTo(100, 1e-9);
      // 10-minute candles held for 10 one-minute oracle steps: minute 10 shows the second row.
      expect(p.prices[10]).to.be.closeTo(Number((100 * (1 + 0.01 * Math.sin(1 / 5))).toFixed(4)), 1e-9);
    });
    it("evaluates a directory of them, paired on the same seeds", async () => {
      const { dir } = await loadFixture(userDirFixture);
      const source = resolveScenarioSource(dir, { count: 20, seeds: 2, projectRoot: root });
      expect(source.scenarios.map((s) => s.name)).to.deep.equal(["my-replay", "my-replay-deep"]);
      const out = await evaluate({ policies: ["static", "formulaic"], source, seeds: 2, threads: 0, replay: false });
      expect(out.episodes.length).to.equal(8);
      expect(out.reference).to.equal("static");
      const rev = out.paired.find((r) => r.metric === "netRevenue" && r.policy === "formulaic")!;
      const bySeed = (p: string) => out.episodes.filter((e) => e.policy === p).reduce((m, e) => m.set(e.seed, (m.get(e.seed) ?? 0) + e.metrics.netRevenue / 2), new Map<number, number>());
      const f = bySeed("formulaic");
      const st = bySeed("static");
      const diffs = [...st.keys()].map((k) => f.get(k)! - st.get(k)!);
      expect(rev.n).to.equal(2);
      expect(rev.diff).to.be.closeTo((diffs[0] + diffs[1]) / 2, 1e-6 * Math.max(1, Math.abs(rev.diff)));
    });
  });

  describe("bad files", () => {
    function write(name: string, text: string, csvText = csv(200)): string {
      const dir = tempDir("damm-bad-scn-");
      fs.writeFileSync(path.join(dir, "prices.csv"), csvText);
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      return file;
    }
    const opts = { count: 2, seeds: 2, projectRoot: root };

    it("names the file, line and field of an out-of-range value", () => {
      const text = JSON.stringify(userScenario(), null, 2).replace('"informedProb": 0.05', '"informedProb": 2');
      const line = text.split("\n").findIndex((l) => l.includes('"informedProb": 2')) + 1;
      const file = write("bad.json", text);
      expect(() => resolveScenarioSource(file, opts)).to.throw(`${file}: line ${line}: field traders.informedProb:`);
    });
    it("names the line of a misspelt field and of a missing one", () => {
      const text = JSON.stringify(userScenario({ horizonSecs: 10 }), null, 2);
      const line = text.split("\n").findIndex((l) => l.includes('"horizonSecs"')) + 1;
      const file = write("typo.json", text);
      expect(() => resolveScenarioSource(file, opts)).to.throw(`${file}: line ${line}: field horizonSecs: unknown field`);
      const missing = JSON.parse(JSON.stringify(userScenario()));
      delete missing.traders.informed.capital;
      const t2 = JSON.stringify(missing, null, 2);
      const l2 = t2.split("\n").findIndex((l) => l.includes('"informed": {')) + 1;
      const f2 = write("missing.json", t2);
      expect(() => resolveScenarioSource(f2, opts)).to.throw(`${f2}: line ${l2}: field traders.informed.capital:`);
    });
    it("names the line and column of broken JSON", () => {
      const file = write("broken.json", '{\n  "name": "x",\n  "seed": 1,,\n}\n');
      expect(() => resolveScenarioSource(file, opts)).to.throw(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: line 3, column \\d+: not valid JSON`));
    });
    it("rejects a bad CSV row naming the CSV, its line and the field", () => {
      const file = write("a.json", JSON.stringify(userScenario(), null, 2), csv(200, { row: 41, text: "2024-01-01T06:50:00.000Z,-3" }));
      expect(() => resolveScenarioSource(file, opts)).to.throw(/prices\.csv: 1 bad row\(s\): line 43: non-positive or unreadable px "-3"/);
    });
    it("names a CSV column that is not there", () => {
      const file = write("a.json", JSON.stringify(userScenario(), null, 2), "time,close\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,1\n");
      expect(() => resolveScenarioSource(file, opts)).to.throw(/no header line with a time column "when" and a "px" column/);
    });
  });
});
