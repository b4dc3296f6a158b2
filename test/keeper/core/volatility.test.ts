import { expect } from "chai";
import { VolatilityEstimator } from "../../../keeper/core/volatility";
import { HOLD } from "../../../keeper/core/policyTypes";
import { MarketEnv } from "../../../keeper/sim/env";
import { floatToWad } from "../../../keeper/sim/planInput";
import { wadToNumber } from "../../../keeper/service/observation";
import { testScenario } from "../sim/fixtures";

describe("the one volatility estimator (core/volatility.ts)", () => {
  describe("definition", () => {
    it("is 0 before two samples a positive time apart, and ignores repeated times and non-positive prices", () => {
      const v = new VolatilityEstimator();
      expect(v.update(100, 2000)).to.equal(0);
      expect(v.update(100, 2100)).to.equal(0);
      expect(v.update(160, -1)).to.equal(0);
      expect(v.update(160, 2000)).to.equal(0); // r = 0 over 60 s
      expect(v.update(220, 2020)).to.be.greaterThan(0);
    });

    it("folds r²/Δt with weight 1 − 0.5^(Δt/halfLife): one return over a day from zero gives √(½·r²)", () => {
      const v = new VolatilityEstimator();
      v.update(0, 100);
      const r = Math.log(1.05);
      expect(v.update(86_400, 105)).to.be.closeTo(Math.sqrt(0.5 * r * r), 1e-15);
    });

    it("is independent of the sampling cadence on a constant variance rate (the keeper samples every block, the simulator every oracle tick)", () => {
      // Returns of ±σ·√Δt: the same variance per second sampled every 12 s or every 300 s.
      const sigmaPerSec = 0.03 / Math.sqrt(86_400);
      const run = (dt: number): number => {
        const v = new VolatilityEstimator(3_600);
        let p = 1000;
        for (let t = 0, i = 0; t <= 20 * 3_600; t += dt, i++) {
          v.update(t, p);
          p *= Math.exp((i % 2 === 0 ? 1 : -1) * sigmaPerSec * Math.sqrt(dt));
        }
        return v.value;
      };
      expect(run(12)).to.be.closeTo(0.03, 0.03 * 1e-3);
      expect(run(300)).to.be.closeTo(0.03, 0.03 * 1e-3);
    });

    it("rejects a half-life that is not a finite positive number, naming it", () => {
      expect(() => new VolatilityEstimator(0)).to.throw(/halfLifeSec must be a finite number > 0, got 0/);
    });
  });

  describe("the simulator's and the keeper's observations", () => {
    it("give the same number on the same oracle sample series", () => {
      const sc = testScenario({ horizonSec: 2 * 86_400, oracle: { kind: "gbm", initialPrice: 2000, driftPerDay: 0.02, volPerSqrtDay: 0.05 } });
      const env = new MarketEnv();
      env.reset(sc);
      const prices = env.oraclePath.prices;
      // The keeper's job: one estimator fed (block time, wadToNumber(snapshot oracle)) per tick.
      const keeper = new VolatilityEstimator();
      let fed = 0;
      const feed = (until: number): number => {
        for (; fed < prices.length && sc.startTime + fed * sc.oracleDtSec <= until; fed++) keeper.update(sc.startTime + fed * sc.oracleDtSec, wadToNumber(floatToWad(prices[fed])));
        return keeper.value;
      };
      let checked = 0;
      for (let obs = env.observation(); ; ) {
        const keeperVol = feed(obs.time);
        // The keeper reads the oracle as WAD; on these prices the round trip is exact to a few ulps.
        expect(obs.volatility).to.be.closeTo(keeperVol, 1e-12 * Math.max(keeperVol, 1e-12));
        if (obs.time > sc.startTime + 86_400) expect(obs.volatility).to.be.greaterThan(0.01);
        checked++;
        const r = env.step(HOLD);
        if (r.done) break;
        obs = r.obs;
      }
      expect(checked).to.be.greaterThan(40);
    });

  });
});
