import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { chooseDefault, trackingShortfalls, tracksNoWorse, LEARNED_NAME, SELECTION_KIND, selectedDefault, type Selection } from "../../../keeper/policy/defaultSelection";
import { canonicalPolicyName, policyFilePath, resolvePolicy } from "../../../keeper/policy/policyRegistry";
import { tempDir } from "../../helpers/tempDir";

const cand = (policy: string, netRevenue: number, meanGapBps: number, cvar5NetRevenue = 0) => ({ policy, netRevenue, meanGapBps, cvar5NetRevenue });

function rootWith(selection: Selection | string | null): string {
  const root = tempDir("damm-sel-");
  fs.mkdirSync(path.join(root, "policies"));
  if (selection !== null) fs.writeFileSync(path.join(root, "policies", "selection.json"), typeof selection === "string" ? selection : JSON.stringify(selection));
  return root;
}
const selection = (candidates: ReturnType<typeof cand>[]): Selection => ({ kind: SELECTION_KIND, schemaVersion: 1, command: "test", commit: "x", split: "validation", scenarios: 24, candidates });

describe("the default policy (policies/selection.json)", () => {
  describe("chooseDefault", () => {
    it("picks the highest validation net revenue", () => {
      expect(chooseDefault([cand("static", 1, 40), cand(LEARNED_NAME, 3, 38), cand("depth-seeking", 2, 38)])).to.equal(LEARNED_NAME);
      expect(chooseDefault([cand("static", 1, 40), cand(LEARNED_NAME, 2, 38), cand("depth-seeking", 3, 38)])).to.equal("depth-seeking");
    });
    it("passes over a candidate that tracks worse than no keeper, however much it earns", () => {
      expect(chooseDefault([cand("static", 1, 40), cand(LEARNED_NAME, 9, 41), cand("drift", 2, 39)])).to.equal("drift");
    });
    it("ships the learned policy over the best rule only when it also tracks no worse and has no lower CVaR 5 %", () => {
      // The figures of the 2026-12-02 validation run: learned +1 % on revenue, the same gap, a lower CVaR.
      const run = [cand("static", 2.88e6, 165, 1.95e5), cand(LEARNED_NAME, 4.68e6, 135.46, 3.67e5), cand("threshold", 4.634e6, 135.54, 3.715e5), cand("formulaic", 4.46e6, 137, 3.68e5)];
      expect(chooseDefault(run)).to.equal("threshold");
      expect(chooseDefault(run.map((c) => (c.policy === LEARNED_NAME ? { ...c, cvar5NetRevenue: 3.8e5 } : c)))).to.equal(LEARNED_NAME);
      expect(chooseDefault(run.map((c) => (c.policy === LEARNED_NAME ? { ...c, cvar5NetRevenue: 3.8e5, meanGapBps: 136 } : c)))).to.equal("threshold");
      // Against the best rule, not any rule: formulaic's lower CVaR does not let the learned policy through.
      expect(chooseDefault([cand(LEARNED_NAME, 5, 30, 1), cand("formulaic", 4, 30, 0), cand("threshold", 4.5, 30, 2)])).to.equal("threshold");
    });
    it("passes over a candidate that tracks worse than no keeper in one family, though better overall", () => {
      // The figures of the 2026-12-02 run (crash-slide and gbm rows): depth-seeking earns most and is
      // 1 bp wider than no keeper in crash-slide; threshold is narrower everywhere.
      const fam = (crashSlide: number, gbm: number) => ({ "crash-slide": crashSlide, gbm });
      const run = [
        { ...cand("static", 2.88e6, 165, 1.95e5), familyMeanGapBps: fam(93.8, 37.3) },
        { ...cand("depth-seeking", 5.23e6, 137.7, 4.06e5), familyMeanGapBps: fam(94.8, 36.7) },
        { ...cand("threshold", 4.76e6, 135.7, 3.72e5), familyMeanGapBps: fam(93.1, 35.9) },
      ];
      expect(chooseDefault(run)).to.equal("threshold");
      expect(tracksNoWorse(run[1], run[0])).to.equal(false);
      expect(chooseDefault(run.map((c) => (c.policy === "depth-seeking" ? { ...c, familyMeanGapBps: fam(93.8, 36.7) } : c)))).to.equal("depth-seeking");
      expect(trackingShortfalls(run[1], run[0])).to.deep.equal(["crash-slide 94.8 > 93.8"]);
      // A family no keeper has a figure for and the candidate lacks is a mixed file: refused by name.
      expect(trackingShortfalls({ ...run[1], familyMeanGapBps: { gbm: 30 } }, run[0])).to.deep.equal(["crash-slide (no figure)"]);
      expect(trackingShortfalls({ ...run[2], meanGapBps: Number.NaN }, run[0])).to.deep.equal(["overall"]);
      // Files written before the family figures: the overall gap decides.
      expect(tracksNoWorse(cand("depth-seeking", 5.23e6, 137.7), cand("static", 2.88e6, 165))).to.equal(true);
    });
    it("breaks a tie toward the earlier candidate", () => {
      expect(chooseDefault([cand("formulaic", 2, 38), cand(LEARNED_NAME, 2, 38)])).to.equal("formulaic");
    });
  });

  describe("resolving \"default\"", () => {
    it("resolves to the winning rule, deciding as that rule does", () => {
      const root = rootWith(selection([cand("static", 1, 40), cand(LEARNED_NAME, 2, 38), cand("depth-seeking", 3, 38)]));
      expect(selectedDefault(root)).to.equal("depth-seeking");
      expect(canonicalPolicyName("default", root)).to.equal("depth-seeking");
      expect(resolvePolicy("default", root).name).to.equal("depth-seeking");
    });
    it("resolves to the learned file (policies/default.json) when the learned policy wins, or when there is no selection", () => {
      const root = rootWith(selection([cand("static", 1, 40), cand(LEARNED_NAME, 3, 38)]));
      expect(policyFilePath("default", root)).to.equal(path.join(root, "policies", "default.json"));
      expect(policyFilePath(LEARNED_NAME, root)).to.equal(path.join(root, "policies", "default.json"));
      expect(selectedDefault(rootWith(null))).to.equal(LEARNED_NAME);
    });
    it("refuses a malformed selection, naming the file and the field", () => {
      const bad = rootWith(JSON.stringify({ ...selection([cand("static", 1, 40)]), candidates: [{ policy: "static", netRevenue: "lots", meanGapBps: 1, cvar5NetRevenue: 0 }] }));
      expect(() => selectedDefault(bad)).to.throw(/selection\.json is malformed: candidates\.0\.netRevenue/);
      expect(() => selectedDefault(rootWith("{"))).to.throw(/selection\.json is not valid JSON/);
    });
  });
});
