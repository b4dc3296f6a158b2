import { expect } from "chai";
import path from "node:path";
import { crashLogProfile, type CrashPath } from "../../../keeper/sim/oracle/crash";
import { generateOraclePath } from "../../../keeper/sim/oracle/paths";
import { SimRng } from "../../../keeper/sim/rng";
import { loadScenarioSet, parseScenario } from "../../../keeper/sim/scenario";
import { diagnoseCrash } from "../../../keeper/sim/crashDiagnosis";
import { holdPolicy } from "../../../keeper/sim/simplePolicies";

const root = path.resolve(__dirname, "../../..");
const DAY = 86400;

function spec(shape: CrashPath["shape"], over: Partial<CrashPath> = {}): CrashPath {
  return { kind: "crash", initialPrice: 100, shape, drop: 0.9, startSec: DAY, durationSec: 3 * DAY, steps: 4, volPerSqrtDay: 0, ...over };
}

describe("crash oracle paths (issue 13)", () => {
  describe("the noise-free profile", () => {
    for (const shape of ["steps", "slide", "luna"] as const) {
      it(`${shape}: flat before the window, exactly 1 − drop at its end, never below it`, () => {
        const s = spec(shape, { drop: 0.98 });
        const n = (5 * DAY) / 60;
        const l = crashLogProfile(s, n, 60, new SimRng(7));
        expect(l[DAY / 60]).to.equal(0);
        expect(Math.exp(l[(4 * DAY) / 60])).to.be.closeTo(0.02, 1e-12);
        expect(Math.exp(l[n])).to.be.closeTo(0.02, 1e-12);
        expect(Math.min(...l)).to.be.at.least(Math.log(0.02) - 1e-12);
      });
    }
    it("steps: the price moves in exactly `steps` jumps", () => {
      const l = crashLogProfile(spec("steps", { steps: 5 }), (5 * DAY) / 60, 60, new SimRng(3));
      let jumps = 0;
      for (let i = 1; i < l.length; i++) if (l[i] !== l[i - 1]) jumps++;
      expect(jumps).to.equal(5);
    });
    it("slide: monotone inside the window", () => {
      const l = crashLogProfile(spec("slide"), (5 * DAY) / 60, 60, new SimRng(3));
      let rises = 0;
      for (let i = 1; i < l.length; i++) if (l[i] > l[i - 1]) rises++;
      expect(rises).to.equal(0);
      expect(l[(2 * DAY) / 60]).to.be.below(0);
    });
    it("luna: has a dead-cat bounce and falls −98 % in 63 h", () => {
      const s = spec("luna", { drop: 0.98, durationSec: 63 * 3600 });
      const l = crashLogProfile(s, (5 * DAY) / 60, 60, new SimRng(11));
      let rises = 0;
      for (let i = 1; i < l.length; i++) if (l[i] > l[i - 1]) rises++;
      expect(rises).to.be.greaterThan(0);
      expect(Math.exp(l[(DAY + 63 * 3600) / 60])).to.be.closeTo(0.02, 1e-12);
    });
    it("is reproducible from the seed and differs across seeds", () => {
      const a = crashLogProfile(spec("steps"), 7200, 60, new SimRng(1));
      const b = crashLogProfile(spec("steps"), 7200, 60, new SimRng(1));
      const c = crashLogProfile(spec("steps"), 7200, 60, new SimRng(2));
      expect(Array.from(a)).to.deep.equal(Array.from(b));
      expect(Array.from(a)).to.not.deep.equal(Array.from(c));
    });
  });

  describe("the crash scenario family (scenarios/crash)", () => {
    const set = loadScenarioSet("crash", root);
    it("holds a step crash, a slide and a LUNA-like path, each −90 % or worse within three days", () => {
      expect(set.map((s) => s.oracle.kind === "crash" && s.oracle.shape).sort()).to.deep.equal(["luna", "slide", "steps"]);
      for (const s of set) {
        if (s.oracle.kind !== "crash") throw new Error(s.name);
        expect(s.oracle.drop, s.name).to.be.at.least(0.9);
        expect(s.oracle.durationSec, s.name).to.be.at.most(3 * DAY);
        const p = generateOraclePath(s.oracle, s.horizonSec, s.oracleDtSec, 1, root);
        const end = Math.round((s.oracle.startSec + s.oracle.durationSec) / s.oracleDtSec);
        // Noise included: the fall at the window's end is within a few noise sigmas of the drop.
        expect(p.prices[end] / p.prices[0], s.name).to.be.below(0.15);
      }
    });
    it("refuses a crash window beyond the horizon, naming the file and field", () => {
      const raw = { ...set[0], horizonSec: 2 * DAY };
      expect(() => parseScenario(raw, "x.json")).to.throw(/scenario x\.json: oracle: the crash window ends at/);
    });
    it("refuses a drop of 100 % or more", () => {
      const raw = JSON.parse(JSON.stringify(set[0]));
      raw.oracle.drop = 1;
      expect(() => parseScenario(raw, "x.json")).to.throw(/oracle\.drop: drop is the fraction lost/);
    });
  });

  describe("crash replay in the simulator (issue 13: uncovered bad debt 0 with default parameters)", () => {
    for (const sc of loadScenarioSet("crash", root)) {
      it(`${sc.name}: every unit of bad debt covered by the reserved share and the budget, for seeds ${sc.seed}–${sc.seed + 2}`, () => {
        for (let seed = sc.seed; seed < sc.seed + 3; seed++) {
          const { summary: s } = diagnoseCrash(sc, holdPolicy, seed);
          expect(s.liquidations, `${sc.name}/${seed} liquidations`).to.be.greaterThan(100);
          expect(s.oracleLow / 2000, `${sc.name}/${seed} low`).to.be.below(0.15);
          expect(s.uncovered, `${sc.name}/${seed} uncovered`).to.equal(0);
          expect(s.fromReserve + s.fromBudget).to.be.closeTo(s.badDebt, 1e-6 * Math.max(1, s.badDebt));
        }
      });
    }
  });

  describe("the diagnosis", () => {
    it("accounts every unit of bad debt: reserve + budget + uncovered = total, by group", () => {
      const sc = loadScenarioSet("crash", root).find((s) => s.name === "crash-steps")!;
      const { summary: s, steps } = diagnoseCrash({ ...sc, horizonSec: 3 * DAY }, holdPolicy, sc.seed);
      expect(s.badDebt).to.be.greaterThan(0);
      expect(s.fromReserve + s.fromBudget + s.uncovered).to.be.closeTo(s.badDebt, 1e-6 * s.badDebt);
      expect(s.badDebtUninformed + s.badDebtInformed).to.be.closeTo(s.badDebt, 1e-6 * s.badDebt);
      const perStep = steps.reduce((a, t) => a + t.badDebtU + t.badDebtI, 0);
      expect(perStep).to.be.closeTo(s.badDebt, 1e-6 * s.badDebt);
    });
  });
});
