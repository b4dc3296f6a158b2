import { expect } from "chai";
import type { EpisodeResult } from "../../../../keeper/policy/eval/aggregate";
import { formatGoal, judgeGoal, OVERALL, type GroupJudgement } from "../../../../keeper/policy/eval/verdict";

/** One constructed episode: only net revenue and mean gap matter to the goal verdict. */
function ep(policy: string, scenario: string, seed: number, netRevenue: number, meanGapBps = 30): EpisodeResult {
  return {
    policy,
    scenario,
    seed,
    metrics: { netRevenue, meanGapBps, p95GapBps: 0, informedProfit: 0, sandwichTake: 0, hunterTake: 0, uninformedLoss: 0, volume: 0, updates: 0, gasSpent: 0, worstDrawdown: 0 },
    rewardParts: { netRevenue, trackingBps: 0, drawdownIncrease: 0 },
  };
}

/** Scenario "<family>-<seed>": one scenario per seed, as in a generated split. */
const familyOf = (scenario: string): string => scenario.split("-")[0];

/** Per seed: [learned, rule] net revenue (and optionally their gaps) in one family. */
function family(name: string, firstSeed: number, rows: readonly (readonly [number, number, number?, number?])[]): EpisodeResult[] {
  return rows.flatMap(([l, r, lg, rg], i) => [ep("learned", `${name}-${firstSeed + i}`, firstSeed + i, l, lg ?? 30), ep("rule", `${name}-${firstSeed + i}`, firstSeed + i, r, rg ?? 30)]);
}

const group = (v: ReturnType<typeof judgeGoal>, g: string): GroupJudgement => v.groups.find((x) => x.group === g)!;
const judge = (eps: EpisodeResult[], rules = ["rule"]) => judgeGoal(eps, { judged: "learned", rules, familyOf, familyOrder: ["gbm", "jump", "real"] });

describe("the goal verdict (issue 16)", () => {
  describe("net revenue ≥ 1.2× the best rule, on the paired interval", () => {
    it("is NOT MET for a policy 1.3× the rule on every seed whose paired interval reaches below the 1.2× margin", () => {
      // Rule revenue 100 on 19 seeds and 100,000 on one: learned − 1.2·rule = 0.1·rule > 0 on every seed, but the
      // one big seed makes the interval of the mean wide enough to reach below 0.
      const rows = Array.from({ length: 20 }, (_, i) => (i === 7 ? 100_000 : 100)).map((r) => [1.3 * r, r] as const);
      const g = group(judge(family("gbm", 1, rows)), "gbm");
      expect(g.ratio).to.be.closeTo(1.3, 1e-12);
      expect(g.revenueMargin.mean).to.be.greaterThan(0);
      expect(g.revenueMargin.lo).to.be.lessThan(0);
      expect(g.revenueMet).to.equal(false);
      expect(g.met).to.equal(false);
    });
    it("is MET for 1.3× on seeds of like size (the same test can pass)", () => {
      const rows = Array.from({ length: 20 }, (_, i) => 100 + i).map((r) => [1.3 * r, r] as const);
      const g = group(judge(family("gbm", 1, rows)), "gbm");
      expect(g.revenueMargin.lo).to.be.greaterThan(0);
      expect(g.revenueMet).to.equal(true);
      expect(g.met).to.equal(true);
    });
    it("is NOT MET at 1.15× however tight the interval", () => {
      const rows = Array.from({ length: 20 }, (_, i) => 100 + i).map((r) => [1.15 * r, r] as const);
      const g = group(judge(family("gbm", 1, rows)), "gbm");
      expect(g.revenueMargin.hi).to.be.lessThan(0);
      expect(g.revenueMet).to.equal(false);
    });
    it("asks 20 % better than a losing rule (margin 0.8 on a negative mean)", () => {
      const rule = Array.from({ length: 20 }, (_, i) => -100 - i);
      const better = judge(family("gbm", 1, rule.map((r) => [0.7 * r, r] as const)));
      const worse = judge(family("gbm", 1, rule.map((r) => [0.9 * r, r] as const)));
      expect(group(better, "gbm").margin).to.equal(0.8);
      expect(group(better, "gbm").ratio).to.equal(null);
      expect(group(better, "gbm").revenueMet).to.equal(true);
      expect(group(worse, "gbm").revenueMet).to.equal(false);
    });
    it("judges against the rule with the highest mean net revenue, not a weaker one", () => {
      const eps: EpisodeResult[] = [];
      for (let s = 1; s <= 20; s++) {
        eps.push(ep("learned", `gbm-${s}`, s, 130 + s), ep("weak", `gbm-${s}`, s, 100 + s / 2), ep("strong", `gbm-${s}`, s, 125 + s));
      }
      const v = judge(eps, ["weak", "strong"]);
      expect(v.rule).to.equal("strong");
      expect(group(v, OVERALL).revenueMet).to.equal(false);
      expect(v.met).to.equal(false);
      // Against the weak rule alone the same figures pass.
      const alone = judge(eps.filter((e) => e.policy !== "strong"), ["weak"]);
      expect(alone.rule).to.equal("weak");
      expect(alone.met).to.equal(true);
    });
  });

  describe("tracking: mean |mark − oracle| ≤ the rule's", () => {
    const revenue = Array.from({ length: 20 }, (_, i) => 100 + i);
    it("is NOT MET when the judged policy tracks 0.1 bps worse on average, all else met", () => {
      const g = group(judge(family("gbm", 1, revenue.map((r, i) => [1.3 * r, r, 30 + (i % 2 === 0 ? 0.2 : 0), 30] as const))), "gbm");
      expect(g.gapDiff.mean).to.be.closeTo(0.1, 1e-12);
      expect([g.revenueMet, g.trackingMet, g.cvarMet, g.met]).to.deep.equal([true, false, true, false]);
    });
    it("is MET at equal or better tracking", () => {
      const g = group(judge(family("gbm", 1, revenue.map((r) => [1.3 * r, r, 29.9, 30] as const))), "gbm");
      expect(g.gapDiff.mean).to.be.closeTo(-0.1, 1e-12);
      expect(g.trackingMet).to.equal(true);
    });
  });

  describe("CVaR 5 % of per-episode net revenue ≥ the rule's", () => {
    it("is NOT MET when one bad episode drags the judged policy's lower tail below the rule's, the mean still 1.3×", () => {
      // 40 seeds: the worst 5 % is the worst two episodes. Learned 130 everywhere but 50 on one seed: CVaR 90 < 100.
      const rows = Array.from({ length: 40 }, (_, i) => [i === 3 ? 50 : 130, 100] as const);
      const g = group(judge(family("gbm", 1, rows)), "gbm");
      expect(g.figures.learned.cvar5NetRevenue).to.equal(90);
      expect(g.figures.rule.cvar5NetRevenue).to.equal(100);
      expect([g.revenueMet, g.trackingMet, g.cvarMet, g.met]).to.deep.equal([true, true, false, false]);
    });
  });

  describe("per family and overall", () => {
    it("a family that falls short makes the goal NOT MET though the overall group is MET", () => {
      // gbm: large markets, learned 1.3×; jump: small markets, learned = rule. Overall the gbm seeds carry the mean.
      const eps = [
        ...family("gbm", 1, Array.from({ length: 20 }, (_, i) => [1300 + i, 1000 + i] as const)),
        ...family("jump", 101, Array.from({ length: 20 }, (_, i) => [10 + i, 10 + i] as const)),
      ];
      const v = judge(eps);
      expect(v.groups.map((g) => g.group)).to.deep.equal(["gbm", "jump", OVERALL]);
      expect(group(v, "gbm").met).to.equal(true);
      expect(group(v, OVERALL).met).to.equal(true);
      expect(group(v, "jump").met).to.equal(false);
      expect(group(v, "jump").units).to.equal(20);
      expect(v.met).to.equal(false);
      expect(v.lines[v.lines.length - 1]).to.match(/^GOAL NOT MET: learned vs the best tuned rule rule .* failing: jump \(revenue\)$/);
    });
    it("a family with one unit cannot give an interval: NOT MET, with the reason", () => {
      const eps = [...family("gbm", 1, Array.from({ length: 20 }, (_, i) => [130 + i, 100 + i] as const)), ...family("jump", 101, [[500, 100]])];
      const v = judge(eps);
      expect(group(v, "jump").note).to.match(/1 paired unit: no interval/);
      expect(group(v, "jump").met).to.equal(false);
      expect(v.met).to.equal(false);
    });
  });

  describe("the real-price windows", () => {
    it("are judged as their own group and printed in their own section, with the windows replayed", () => {
      const eps = [
        ...family("gbm", 1, Array.from({ length: 20 }, (_, i) => [130 + i, 100 + i] as const)),
        ...family("real", 201, Array.from({ length: 20 }, (_, i) => [90 + i, 100 + i] as const)),
      ];
      const v = judge(eps);
      expect(group(v, "real").met).to.equal(false);
      expect(group(v, "gbm").met).to.equal(true);
      const text = formatGoal(v, "real", ["SOLUSDT_5m.csv from 2025-05-25T00:00:00Z"]);
      const [families, rest] = text.split("REAL-PRICE WINDOWS");
      expect(families).to.include("── gbm:").and.not.include("── real:");
      expect(rest).to.include("── real: 20 paired units").and.include("windows: SOLUSDT_5m.csv from 2025-05-25T00:00:00Z");
      expect(rest).to.match(/real \(n=20\): NOT MET — revenue 0\.\d+× ✗/);
      expect(text.match(/── real:/g)).to.have.length(1);
    });
  });
});
