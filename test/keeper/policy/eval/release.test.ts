import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { runRelease, readLooks, policyChecksum } from "../../../../keeper/policy/eval/release";
import { resolveScenarioSource } from "../../../../keeper/policy/eval/scenarioSource";
import { tuneBaselines } from "../../../../keeper/policy/baselines/tune";
import { parseScenario } from "../../../../keeper/sim/scenario";

const root = path.resolve(__dirname, "../../../..");

/** A temporary "test split": one small GBM scenario file, and an empty looks record. */
async function releaseFixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "damm-release-"));
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
  };
  fs.mkdirSync(path.join(dir, "scn"));
  fs.writeFileSync(path.join(dir, "scn", "tiny.json"), JSON.stringify(scenario));
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
      const base = { policies: ["static", "drift"], count: 2, threads: 0, projectRoot: root, looksFile, source, git };
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
        { name: "static", checksum: policyChecksum("static") },
        { name: "drift", checksum: policyChecksum("drift") },
      ]);
      expect(rec.looks[0].results!.drift.netRevenue[0]).to.equal(first.out.report.metrics.find((m) => m.key === "netRevenue")!.rows.find((r) => r.policy === "drift")!.mean);
    });
    it("writes nothing when a policy cannot be named (nothing was looked at)", async () => {
      const { source, freshLooksFile } = await loadFixture(releaseFixture);
      const looksFile = freshLooksFile();
      await runRelease({ policies: ["static", "no-such-policy"], count: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "c0ffee", dirty: false } }).then(
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
      await runRelease({ policies: ["static", "formulaic"], count: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "c0ffee", dirty: false } }).then(
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
      await runRelease({ policies: ["static", "formulaic"], count: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "x", dirty: true } }).then(
        () => expect.fail("should have thrown"),
        (e: Error) => expect(e.message).to.match(/uncommitted changes/),
      );
      fs.mkdirSync(path.dirname(looksFile), { recursive: true });
      fs.writeFileSync(looksFile, JSON.stringify({ note: "", count: 0, looks: [{ look: 1 }] }));
      await runRelease({ policies: ["static", "formulaic"], count: 2, threads: 0, projectRoot: root, looksFile, source, git: { commit: "x", dirty: false } }).then(
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
