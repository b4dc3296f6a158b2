import { expect } from "chai";
import { GRIDS, OBJECTIVES, gapRatioGeometricMean, gridPoints, mergeTuneResults, pickSetting, type TuneResult, type TunedSetting } from "../../../../keeper/policy/baselines/tune";
import { NO_SEPARATE_EARNING_TRIGGER_BPS } from "../../../../keeper/policy/baselines/depthSeekingPolicy";
import type { EpisodeResult } from "../../../../keeper/policy/eval/aggregate";
import type { EpisodeMetrics } from "../../../../keeper/policy/eval/metricSpec";

const episode = (policy: string, scenario: string, meanGapBps: number, seed = 1): EpisodeResult =>
  ({ policy, scenario, seed, metrics: { meanGapBps } as EpisodeMetrics, rewardParts: { netRevenue: 0, trackingBps: 0, drawdownIncrease: 0 } });

describe("tune:baselines' tracking constraint", () => {
  // Two calm scenarios the rule tracks better and one crash where it is 2 bps worse on 650:
  // the plain mean gap says "worse than no keeper", the typical scenario says better.
  const episodes = [
    episode("static", "calm-a", 40),
    episode("rule", "calm-a", 30),
    episode("static", "calm-b", 50),
    episode("rule", "calm-b", 40),
    episode("static", "crash", 650),
    episode("rule", "crash", 680),
  ];

  it("is the geometric mean of the per-scenario gap ratios, each scenario weighing alike", () => {
    const expected = Math.cbrt((30 / 40) * (40 / 50) * (680 / 650));
    expect(gapRatioGeometricMean(episodes, "rule", "static")).to.be.closeTo(expected, 1e-12);
    expect(gapRatioGeometricMean(episodes, "rule", "static")).to.be.lessThan(1);
  });

  it("pairs by scenario and seed, and counts a scenario both track perfectly as a tie", () => {
    const seeds = [episode("static", "s", 10, 1), episode("rule", "s", 20, 1), episode("static", "s", 40, 2), episode("rule", "s", 20, 2), episode("static", "z", 0), episode("rule", "z", 0)];
    expect(gapRatioGeometricMean(seeds, "rule", "static")).to.be.closeTo(1, 1e-12);
  });

  it("names the scenario whose reference episode is missing", () => {
    expect(() => gapRatioGeometricMean([episode("rule", "lonely", 10, 3)], "rule", "static")).to.throw("gap ratio: no static episode for lonely seed 3");
    expect(() => gapRatioGeometricMean(episodes, "nobody", "static")).to.throw("gap ratio: no episodes of nobody");
  });

  describe("picking a setting", () => {
    const setting = (netRevenue: number, meanGapBps: number, gapRatioToStatic: number, feasible: boolean): TunedSetting => ({ options: { netRevenue }, netRevenue, meanGapBps, gapRatioToStatic, feasible });

    it("takes the highest revenue among the feasible settings, however much an infeasible one earns", () => {
      expect(pickSetting([setting(9, 70, 1.2, false), setting(5, 60, 0.9, true), setting(6, 61, 0.95, true)], "mean").netRevenue).to.equal(6);
    });
    it("with none feasible, takes the best tracker by the constraint's own measure", () => {
      const none = [setting(9, 70, 1.05, false), setting(5, 65, 1.2, false)];
      expect(pickSetting(none, "mean").netRevenue).to.equal(5);
      expect(pickSetting(none, "typical").netRevenue).to.equal(9);
      expect(() => pickSetting([], "mean")).to.throw("tune: no settings to pick from");
    });
  });

  describe("depth-seeking's grid", () => {
    it("drops the earning triggers no narrower than the repeg trigger, which act as none", () => {
      const spec = GRIDS["depth-seeking"];
      const all = gridPoints(spec.grid);
      const kept = all.filter((p) => spec.keep!(p));
      expect(kept.every((p) => p.earningRepegAboveBps === NO_SEPARATE_EARNING_TRIGGER_BPS || p.earningRepegAboveBps < p.repegAboveBps)).to.equal(true);
      expect(all.length - kept.length).to.equal(all.filter((p) => p.repegAboveBps === 10 && p.earningRepegAboveBps === 10).length);
      expect(kept.some((p) => p.repegAboveBps === 60 && p.earningRepegAboveBps === 10)).to.equal(true);
    });
  });
});

describe("tune:baselines --rules: merging into the tuned file", () => {
  const judging = { split: "train" as const, count: 24, objective: OBJECTIVES.mean, reference: { netRevenue: 1, meanGapBps: 60 } };
  const previous = {
    generatedBy: "npm run tune:baselines -- --split train --count 24",
    ...judging,
    rules: { threshold: { repegAboveBps: 10 }, drift: { repegMinGapBps: 5 } },
    grids: { threshold: { grid: { repegAboveBps: [10, 25] }, settings: [] }, drift: { grid: { repegMinGapBps: [5] }, settings: [] } },
  };
  const fresh: TuneResult = { ...judging, rules: { threshold: { repegAboveBps: 25 } }, grids: { threshold: { grid: { repegAboveBps: [25, 50] }, settings: [] } } };

  it("retunes the named rules and keeps every other rule's options and grid", () => {
    const merged = mergeTuneResults(previous, fresh, "tuned.json");
    expect(merged.rules).to.deep.equal({ threshold: { repegAboveBps: 25 }, drift: { repegMinGapBps: 5 } });
    expect(merged.grids.threshold.grid).to.deep.equal({ repegAboveBps: [25, 50] });
    expect(merged.grids.drift.grid).to.deep.equal({ repegMinGapBps: [5] });
  });

  it("refuses a file judged on other scenarios or by another objective, naming both", () => {
    expect(() => mergeTuneResults({ ...previous, count: 16 }, fresh, "tuned.json")).to.throw(/tuned.json holds a tuning on split train, count 16.*this run is on split train, count 24/);
    expect(() => mergeTuneResults({ ...previous, perFamily: 10 }, fresh, "tuned.json")).to.throw(/per family 10/);
    expect(() => mergeTuneResults({ ...previous, objective: OBJECTIVES.typical }, fresh, "tuned.json")).to.throw(/geometric mean/);
  });

  it("refuses a file whose rules are not valid, naming the field", () => {
    expect(() => mergeTuneResults({ ...previous, rules: { threshold: { repegAboveBps: "10" } } }, fresh, "tuned.json")).to.throw(/tuned.json: field rules.threshold.repegAboveBps: expected a finite number/);
  });
});
