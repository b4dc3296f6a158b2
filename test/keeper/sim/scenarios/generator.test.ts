import { expect } from "chai";
import path from "node:path";
import { generateScenario, seedOf, splitOfSeed, splitScenarios } from "../../../../keeper/sim/scenarios/generator";
import { REAL_SERIES, SEED_RANGES, SPLITS, type Split } from "../../../../keeper/sim/scenarios/generatorConfig";
import { generateOraclePath } from "../../../../keeper/sim/oracle/paths";
import { parseTimestamp } from "../../../../keeper/sim/oracle/priceCsv";
import { CALIBRATED_DEMAND } from "../../../../keeper/sim/params";

const root = path.resolve(__dirname, "../../../..");
const N = 60;
const sets: Record<Split, ReturnType<typeof splitScenarios>> = {
  train: splitScenarios("train", N),
  validation: splitScenarios("validation", N),
  test: splitScenarios("test", N),
};

describe("scenario generator", () => {
  describe("reproducibility", () => {
    it("builds the identical scenario from the same seed, and different ones from different seeds", () => {
      for (const split of SPLITS) {
        const again = splitScenarios(split, N);
        expect(again).to.deep.equal(sets[split]);
      }
      expect(generateScenario(seedOf("train", 5))).to.deep.equal(sets.train[5]);
      expect(generateScenario(seedOf("train", 5))).to.not.deep.equal(generateScenario(seedOf("train", 6)));
    });
    it("gives the same oracle path for the same scenario and seed", () => {
      const s = sets.validation[0];
      const a = generateOraclePath(s.oracle, s.horizonSec, s.oracleDtSec, s.seed, root);
      const b = generateOraclePath(s.oracle, s.horizonSec, s.oracleDtSec, s.seed, root);
      expect(Array.from(a.prices)).to.deep.equal(Array.from(b.prices));
    });
  });

  describe("splits", () => {
    it("have disjoint seed ranges, and a seed names its split", () => {
      const ranges = SPLITS.map((s) => SEED_RANGES[s]);
      for (let i = 0; i < ranges.length; i++)
        for (let j = i + 1; j < ranges.length; j++) expect(ranges[i][1] <= ranges[j][0] || ranges[j][1] <= ranges[i][0]).to.equal(true);
      for (const split of SPLITS) for (const s of sets[split]) {
        expect(s.split).to.equal(split);
        expect(splitOfSeed(s.seed)).to.equal(split);
      }
      expect(() => splitOfSeed(999)).to.throw("seed 999 lies in no split");
      expect(() => seedOf("train", 1_000_000)).to.throw("outside split train");
    });
    it("never share a seed or a name", () => {
      const seeds = SPLITS.flatMap((s) => sets[s].map((x) => x.seed));
      const names = SPLITS.flatMap((s) => sets[s].map((x) => x.name));
      expect(new Set(seeds).size).to.equal(seeds.length);
      expect(new Set(names).size).to.equal(names.length);
    });
    it("configure disjoint date ranges per real series", () => {
      for (const r of REAL_SERIES) {
        const w = SPLITS.map((s) => r.windows[s].map((d) => Date.parse(d)));
        for (let i = 0; i < w.length; i++)
          for (let j = i + 1; j < w.length; j++) expect(w[i][1] <= w[j][0] || w[j][1] <= w[i][0], `${r.file}`).to.equal(true);
      }
    });
    it("put every real-price window inside its split's date range (so no candle is in two splits)", () => {
      let replays = 0;
      for (const split of SPLITS)
        for (const s of sets[split]) {
          if (s.oracle.kind !== "replay") continue;
          replays++;
          const file = s.oracle.file;
          const series = REAL_SERIES.find((r) => r.file === file)!;
          const [from, to] = series.windows[split].map((d) => Date.parse(d) / 1000);
          const start = parseTimestamp(String(s.oracle.start));
          expect(start).to.be.at.least(from);
          expect(start + s.horizonSec * s.oracle.timeScale).to.be.at.most(to);
        }
      expect(replays).to.be.greaterThan(10);
    });
  });

  describe("content", () => {
    it("covers every family, with crashes of −90 % within 3 days", () => {
      const all = SPLITS.flatMap((s) => sets[s]);
      const families = new Set(all.map((s) => s.name.split("-").slice(2).join("-")));
      expect([...families].sort()).to.deep.equal(["crash-slide", "crash-steps", "gbm", "jump", "ou", "real", "regime"]);
      for (const s of all.filter((x) => x.name.includes("crash"))) {
        if (s.oracle.kind !== "jump") throw new Error("crash is a jump path");
        const total = s.oracle.jumps.reduce((p, j) => p * (1 + j.size), 1);
        expect(total).to.be.closeTo(0.1, 1e-9);
        const span = s.oracle.jumps[s.oracle.jumps.length - 1].atSec - s.oracle.jumps[0].atSec;
        expect(span).to.be.at.most(3 * 86400);
      }
    });
    it("draws the depth elasticity from the fit's interval", () => {
      const [lo, hi] = CALIBRATED_DEMAND.depthElasticityRange;
      for (const s of sets.train) {
        const e = s.traders.rateElasticity + s.traders.uninformed.sizeElasticity;
        expect(e).to.be.within(lo - 1e-5, hi + 1e-5);
      }
    });
    it("generates a positive, finite oracle path for validation scenarios", () => {
      for (const s of sets.validation.slice(0, 20)) {
        const p = generateOraclePath(s.oracle, s.horizonSec, s.oracleDtSec, s.seed, root);
        expect(Array.from(p.prices).every((x) => x > 0 && Number.isFinite(x)), s.name).to.equal(true);
      }
    });
  });
});
