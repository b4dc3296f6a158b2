import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { runRelease, readLooks, policyChecksum } from "../../../../keeper/policy/eval/release";
import { resolveScenarioSource } from "../../../../keeper/policy/eval/scenarioSource";
import { tuneBaselines } from "../../../../keeper/policy/baselines/tune";
import { parseScenario } from "../../../../keeper/sim/scenario";
import { tempDir } from "../../../helpers/tempDir";

const root = path.resolve(__dirname, "../../../..");

/**
 * A temporary "test split" — a small GBM scenario and a real-price window (a 6 h replay of the SOL
 * series from the validation date range, never the test split's data), each with a sandwich bot — and a
 * fresh looks record per test (never docs/test-looks.json).
 */
async function releaseFixture() {
  const dir = tempDir("damm-release-");
  const scenario = {
    name: "tiny-gbm",
    split: "test",
    seed: 5,
    horizonSec: 6 * 3600,
    decisionIntervalSec: 3600,
    oracle: { kind: "gbm", initialPrice: 100, volPerSqrtDay: 0.05 },
    market: { sqrtK: 100000, budget: 50000 },
    traders: {
      arrivalRatePerSec: 0.1,
      informedProb: 0.05,
      uninformed: { notionalMedian: 2000, notionalLogSd: 1, holdingMeanSec: 7200, leverage: 5 },
      informed: { capital: 50000, leverage: 5, edgeBps: 40 },
    },
    adversaries: { sandwich: { capital: 50000, leverage: 5 } },
  };
  const window = { ...scenario, name: "tiny-real", oracle: { kind: "replay", file: "data/prices/SOLUSDT_5m.csv", start: "2025-05-25T00:00:00Z", rescaleTo: 100 } };
  fs.mkdirSync(path.join(dir, "scn"));
  fs.writeFileSync(path.join(dir, "scn", "tiny.json"), JSON.stringify(scenario));
  fs.writeFileSync(path.join(dir, "scn", "tiny-real.json"), JSON.stringify(window));
  const source = resolveScenarioSource(path.join(dir, "scn"), { count: 2, seeds: 2, projectRoot: root });
  let n = 0;
  // The fixture's files persist across loadFixture calls: each test takes a fresh record.
  const freshLooksFile = () => path.join(dir, `docs-${++n}`, "test-looks.json");
  return { dir, source, scenario, freshLooksFile };
}

describe("evaluate:release (the sealed test split)", () => {
  describe("the record of looks", () => {
    it("counts every look, with the commit and each policy's checksum", async () => {
      const { source, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      const git = { commit: "c0ffee", dirty: false };
      const base = { policies: ["default", "static", "drift"], judged: "default", perFamily: 2, threads: 0, projectRoot: root, looksFile, source, git };
      const first = await runRelease(base);
      const second = await runRelease({ ...base, git: { commit: "beef", dirty: false } });
      expect(first.look.look).to.equal(1);
      expect(second.look.look).to.equal(2);
      const rec = readLooks(looksFile);
      expect(rec.count).to.equal(2);
      expect(rec.looks.map((l) => [l.commit, l.status])).to.deep.equal([
        ["c0ffee", "finished"],
        ["beef", "finished"],
      ]);
      expect(rec.looks[0].policies).to.deep.equal([
        { name: "default", checksum: policyChecksum("default") },
        { name: "static", checksum: policyChecksum("static") },
        { name: "drift", checksum: policyChecksum("drift") },
      ]);
      expect(rec.looks[0].results!.drift.netRevenue[0]).to.equal(first.out.report.metrics.find((m) => m.key === "netRevenue")!.rows.find((r) => r.policy === "drift")!.mean);
    });
    it("records the goal verdict per family, overall and for the real-price windows, with the sandwich bot present", async () => {
      const { source, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      const { out } = await runRelease({ policies: ["default", "static", "drift"], judged: "default", perFamily: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "c0ffee", dirty: false } });
      const look = readLooks(looksFile).looks[0];
      expect(look.judged).to.equal("default");
      expect(look.adversaries).to.equal("sandwich bot in 4/4 scenarios");
      const j = look.judgement!;
      expect(Object.keys(j.groups)).to.deep.equal(["gbm", "real", "overall"]);
      expect(j.realFamily).to.equal("real");
      expect(j.realWindows).to.have.length(1);
      expect(j.realWindows[0]).to.match(/^SOLUSDT_5m\.csv from 2025-05-25/);
      // The figures are the episodes' own: per family, the mean over its seeds.
      const meanOf = (policy: string, scenario: string) => {
        const xs = out.episodes.filter((e) => e.policy === policy && e.scenario === scenario).map((e) => e.metrics.netRevenue);
        return xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      expect(j.groups.real.policies.default.netRevenue[0]).to.be.closeTo(meanOf("default", "tiny-real"), 1e-6);
      expect(j.groups.gbm.policies.drift.netRevenue[0]).to.be.closeTo(meanOf("drift", "tiny-gbm"), 1e-6);
      expect(j.groups.overall.units).to.equal(2);
      // The comparator is the rule with the higher mean net revenue over everything judged.
      const overall = (p: string) => meanOf(p, "tiny-gbm") + meanOf(p, "tiny-real");
      expect(j.rule).to.equal(overall("drift") > overall("static") ? "drift" : "static");
      expect(j.met).to.equal(Object.values(j.groups).every((g) => g.met));
      expect(look.results!.default.netRevenue[0]).to.be.closeTo(overall("default") / 2, 1e-6);
    });
    it("refuses a scenario set without the sandwich bot, recording nothing", async () => {
      const { dir, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      const noBot = resolveScenarioSource(path.join(dir, "scn"), { count: 2, seeds: 2, projectRoot: root, adversaries: false });
      await runRelease({ policies: ["default", "static"], judged: "default", perFamily: 2, threads: 0, projectRoot: root, looksFile, source: noBot, git: { commit: "c0ffee", dirty: false } }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/with the sandwich bot present: scenario tiny-\w+ has none \(0\/4 have it\)/),
      );
      expect(readLooks(looksFile).count).to.equal(0);
    });
    it("refuses, before any look, fewer than 20 scenarios per family, a judged policy not evaluated, and no rule to judge against", async () => {
      const { freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      const base = { threads: 0, projectRoot: root, looksFile, git: { commit: "c0ffee", dirty: false } };
      const refused = (o: Parameters<typeof runRelease>[0], msg: RegExp) =>
        runRelease(o).then(
          () => expect.fail("should have thrown"),
          (e: Error) => expect(e.message).to.match(msg),
        );
      await refused({ ...base, policies: ["default", "drift"], judged: "default", perFamily: 19 }, /at least 20 scenarios per family, got 19/);
      await refused({ ...base, policies: ["default", "drift"], judged: "other", perFamily: 20 }, /judged policy "other" is not among --policies/);
      await refused({ ...base, policies: ["default"], judged: "default", perFamily: 20 }, /needs at least one tuned rule besides default/);
      expect(readLooks(looksFile).count).to.equal(0);
    });
    it("writes nothing when a policy cannot be named (nothing was looked at)", async () => {
      const { source, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      await runRelease({ policies: ["static", "no-such-policy"], judged: "static", perFamily: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "c0ffee", dirty: false } }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/unknown policy "no-such-policy"/),
      );
      expect(readLooks(looksFile).count).to.equal(0);
    });
    it("counts a look whose evaluation fails, marked failed with the reason", async () => {
      const { scenario, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      const sc = parseScenario({ ...scenario, oracle: { kind: "replay", file: "/nonexistent/prices.csv", start: 0 } }, "inline");
      const source = { label: "broken", split: null, scenarios: [sc], cases: [1, 2].map((seed) => ({ scenario: sc, seed })) };
      await runRelease({ policies: ["static", "formulaic"], judged: "formulaic", perFamily: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "c0ffee", dirty: false } }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/price CSV not found/),
      );
      const rec = readLooks(looksFile);
      expect(rec.count).to.equal(1);
      expect(rec.looks[0].status).to.equal("failed");
      expect(rec.looks[0].error).to.match(/price CSV not found/);
    });
    it("refuses a dirty working tree and an edited record", async () => {
      const { source, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      await runRelease({ policies: ["static", "formulaic"], judged: "formulaic", perFamily: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "x", dirty: true } }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/uncommitted changes/),
      );
      fs.mkdirSync(path.dirname(looksFile), { recursive: true });
      fs.writeFileSync(looksFile, JSON.stringify({ note: "", count: 0, looks: [{ look: 1 }] }));
      await runRelease({ policies: ["static", "formulaic"], judged: "formulaic", perFamily: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "x", dirty: false } }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/count 0 does not match its 1 looks/),
      );
    });
    it("gives a rule's checksum by its options: tuned or overridden differ", () => {
      expect(policyChecksum('drift{"intensity":10}')).to.not.equal(policyChecksum('drift{"intensity":20}'));
      expect(policyChecksum("drift")).to.match(/^sha256:[0-9a-f]{64}$/);
    });
  });

  describe("the tuning code", () => {
    it("refuses the test split", async () => {
      await tuneBaselines({ split: "test", count: 2, threads: 0, projectRoot: root }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/refuses the test split/),
      );
    });
  });
});
