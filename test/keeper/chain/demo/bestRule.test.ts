/**
 * The demo's best-rule choice (keeper/chain/demo/bestRule.ts): the tuned.json objective (highest
 * mean net revenue among rules tracking no worse than no keeper) on validation, every registered
 * rule but static a candidate.
 */
import { expect } from "chai";
import { candidateRules, chooseBestRule, pickBestRule, type RuleScore } from "../../../../keeper/chain/demo/bestRule";
import { baselineNames } from "../../../../keeper/resolve/policyResolver";

const score = (rule: string, netRevenue: number, feasible: boolean): RuleScore => ({ rule, netRevenue, meanGapBps: feasible ? 30 : 50, feasible });

describe("demo best rule", () => {
  describe("pickBestRule", () => {
    it("takes the highest net revenue among rules tracking no worse than no keeper, even when an infeasible one earns more", () => {
      expect(pickBestRule([score("a", 10, true), score("b", 30, false), score("c", 20, true)]).rule).to.equal("c");
    });

    it("falls back to the highest net revenue when no rule tracks as well as no keeper", () => {
      expect(pickBestRule([score("a", 10, false), score("b", 30, false)]).rule).to.equal("b");
    });

    it("refuses an empty candidate list by name", () => {
      expect(() => pickBestRule([])).to.throw(/no candidate rule/);
    });
  });

  describe("chooseBestRule on 2 validation scenarios (in-process)", function () {
    this.timeout(120_000);

    it("scores every registered rule but static, and picks by the objective from those scores", async () => {
      expect(candidateRules()).to.deep.equal(baselineNames().filter((n) => n !== "static" && n !== "default"));
      expect(candidateRules()).to.not.include("static");
      const c = await chooseBestRule({ count: 2, threads: 0 });
      expect(c.scenarios).to.equal(2);
      expect(c.scores.map((s) => s.rule)).to.deep.equal(candidateRules());
      for (const s of c.scores) {
        expect(Number.isFinite(s.netRevenue) && Number.isFinite(s.meanGapBps), s.rule).to.equal(true);
        expect(s.feasible).to.equal(s.meanGapBps <= c.staticGapBps);
      }
      expect(c.rule).to.equal(pickBestRule(c.scores).rule);
      const pool = c.scores.some((s) => s.feasible) ? c.scores.filter((s) => s.feasible) : c.scores;
      expect(c.scores.find((s) => s.rule === c.rule)!.netRevenue).to.equal(Math.max(...pool.map((s) => s.netRevenue)));
    });
  });
});
