/**
 * The demo's third line (keeper/onchain/demo/bestRule.ts): the best rule comes from the one
 * selection (policies/selection.json via bestRuleOnValidation), DEMO_RULE overrides it, a missing
 * selection is refused by name; and the third line is the learned policy when the shipped keeper is
 * the best rule, the best rule when the shipped keeper is the learned policy.
 */
import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { LEARNED_LABEL, candidateRules, demoBestRule, demoLineSpecs } from "../../../../keeper/onchain/demo/bestRule";
import { bestRuleOnValidation, SELECTION_KIND } from "../../../../keeper/policy/defaultSelection";
import { REPO_ROOT, baselineNames, resolvePolicy } from "../../../../keeper/resolve/policyResolver";
import { tempDir } from "../../../helpers/tempDir";

const candidate = (policy: string, netRevenue: number, meanGapBps = 100) => ({ policy, netRevenue, meanGapBps, cvar5NetRevenue: 0 });

/** A project root holding only policies/selection.json with these candidates. */
function rootWithSelection(candidates: ReturnType<typeof candidate>[]): string {
  const root = tempDir("damm-demo-rule-");
  fs.mkdirSync(path.join(root, "policies"));
  const selection = { kind: SELECTION_KIND, schemaVersion: 1, command: "test", commit: "test", split: "validation", scenarios: 2, candidates };
  fs.writeFileSync(path.join(root, "policies", "selection.json"), JSON.stringify(selection));
  return root;
}

describe("demo third line", () => {
  describe("demoBestRule", () => {
    it("is the project's selection's best rule (policies/selection.json), a keeper rule", () => {
      const c = demoBestRule(undefined);
      expect(c.rule).to.equal(bestRuleOnValidation(REPO_ROOT));
      expect(candidateRules()).to.include(c.rule);
      expect(c.why).to.include("policies/selection.json");
    });

    it("takes the highest net revenue among the rules, never the learned policy or static, whatever they earned", () => {
      const root = rootWithSelection([candidate("learned", 9e6), candidate("static", 8e6), candidate("drift", 3e6), candidate("formulaic", 5e6)]);
      expect(demoBestRule(undefined, root).rule).to.equal("formulaic");
    });

    it("refuses a project without a selection, naming npm run select:default", () => {
      const root = tempDir("damm-demo-norule-");
      expect(() => demoBestRule(undefined, root)).to.throw(/policies\/selection\.json is missing.*npm run select:default/);
    });

    it("DEMO_RULE overrides the selection; static and unknown names are refused by name", () => {
      const root = rootWithSelection([candidate("formulaic", 5e6)]);
      expect(demoBestRule("drift", root)).to.deep.equal({ rule: "drift", why: "named by DEMO_RULE (not the selection's choice)" });
      expect(() => demoBestRule("static", root)).to.throw(/DEMO_RULE=static: not a keeper rule/);
      expect(() => demoBestRule("nope", root)).to.throw(/DEMO_RULE=nope: not a keeper rule/);
    });

    it("DEMO_RULE may carry option overrides; a bad option is named", () => {
      const root = rootWithSelection([candidate("formulaic", 5e6)]);
      expect(demoBestRule('depth-seeking{"repegAboveBps":10}', root).rule).to.equal('depth-seeking{"repegAboveBps":10}');
      expect(() => demoBestRule('static{"x":1}', root)).to.throw(/not a keeper rule/);
      expect(() => demoBestRule('drift{"intensty":50}', root)).to.throw('DEMO_RULE=drift{"intensty":50}: policy "drift{"intensty":50}".intensty: rule drift has no option intensty');
    });

    it("candidates are every registered rule but static and default", () => {
      expect(candidateRules()).to.deep.equal(baselineNames().filter((n) => n !== "static" && n !== "default"));
    });
  });

  describe("demoLineSpecs", () => {
    const resolve = (n: string) => resolvePolicy(n);

    it("shipped = the best rule: the third line is the learned policy, not a second copy of the rule", () => {
      const specs = demoLineSpecs(resolvePolicy("threshold"), "threshold", resolve);
      expect(specs.map((s) => s.role)).to.deep.equal(["shipped", "none", "learned"]);
      expect(specs.map((s) => s.policy?.name ?? null)).to.deep.equal(["threshold", null, "learned"]);
      expect(specs[2].label).to.equal(LEARNED_LABEL);
      expect(specs[0].label).to.equal("shipped keeper (threshold)");
    });

    it("shipped = the learned policy: the third line is the best rule", () => {
      const specs = demoLineSpecs(resolvePolicy("learned"), "threshold", resolve);
      expect(specs.map((s) => s.role)).to.deep.equal(["shipped", "none", "best-rule"]);
      expect(specs.map((s) => s.policy?.name ?? null)).to.deep.equal(["learned", null, "threshold"]);
      expect(specs[2].label).to.equal("best rule (threshold)");
    });

    it("shipped = another rule than the best: the third line is the best rule", () => {
      const specs = demoLineSpecs(resolvePolicy("drift"), "threshold", resolve);
      expect(specs.map((s) => s.role)).to.deep.equal(["shipped", "none", "best-rule"]);
      expect(specs[2].policy?.name).to.equal("threshold");
    });
  });
});
