import { expect } from "chai";
import { familyMeanGaps, formatFamilyTable } from "../../../../keeper/policy/eval/familyTable";
import type { EpisodeResult } from "../../../../keeper/policy/eval/aggregate";
import type { EpisodeMetrics } from "../../../../keeper/policy/eval/metricSpec";

const episode = (policy: string, scenario: string, netRevenue: number, meanGapBps: number, seed = 1): EpisodeResult =>
  ({ policy, scenario, seed, metrics: { netRevenue, meanGapBps } as EpisodeMetrics, rewardParts: { netRevenue: 0, trackingBps: 0, drawdownIncrease: 0 } });

// Families come from the caller's lookup, not from the names: "btc-window" is a real-price window.
const familyOf = (scenario: string): string => ({ "v-1-gbm": "gbm", "v-2-gbm": "gbm", "btc-window": "real" })[scenario] ?? "unknown";
const episodes = [
  episode("rule", "v-1-gbm", 100, 40),
  episode("learned", "v-1-gbm", 130, 30),
  episode("rule", "v-2-gbm", 200, 60),
  episode("learned", "v-2-gbm", 190, 50),
  episode("rule", "btc-window", 50, 20),
  episode("learned", "btc-window", 80, 25),
];

describe("per-family tables", () => {
  it("averages a policy's mean gap over each family the lookup names, families in name order", () => {
    expect(familyMeanGaps(episodes, "learned", familyOf)).to.deep.equal({ gbm: 40, real: 25 });
    expect(Object.keys(familyMeanGaps(episodes, "rule", familyOf))).to.deep.equal(["gbm", "real"]);
  });

  it("tabulates each family's means and the paired revenue difference", () => {
    const lines = formatFamilyTable(episodes, ["rule", "learned"], "learned", "rule", familyOf).split("\n");
    expect(lines).to.have.length(4);
    expect(lines[2]).to.equal("| gbm | 2 | 1.500e+2 / 50.0 | 1.600e+2 / 40.0 | 1.00e+1 [-2.44e+2, 2.64e+2] |");
    expect(lines[3]).to.equal("| real | 1 | 5.000e+1 / 20.0 | 8.000e+1 / 25.0 | 3.00e+1 |");
  });
});
