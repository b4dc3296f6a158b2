import { expect } from "chai";
import { coverBadDebt, MAX_SOCIALIZED_PER_BASE } from "../../../keeper/sim/badDebt";

// SPEC §3 waterfall in the simulator, the dust cap of attack 11 (the contract side:
// test/contracts/attacks/11.socializationDust.test.ts, same figures).
describe("coverBadDebt (keeper/sim/badDebt.ts)", function () {
  describe("uncovered debt onto an ordinary opposite side", function () {
    it("charges uncovered/OI per base and leaves nothing unsocialised", function () {
      const r = coverBadDebt(1_000, 100, 200, true, 50, 10);
      expect(r.uncovered).to.equal(700);
      expect(r.shortIndexCharge).to.equal(-70);
      expect(r.longIndexCharge).to.equal(0);
      expect(r.unsocialized).to.equal(0);
    });
  });
  describe("uncovered debt onto a dust opposite side (4 wei of base)", function () {
    it("charges the cap per base and records the rest unsocialised", function () {
      const dust = 4e-18;
      const r = coverBadDebt(5_855.73, 0, 0, true, 1_540.46, dust);
      expect(r.shortIndexCharge).to.equal(-MAX_SOCIALIZED_PER_BASE);
      expect(r.unsocialized).to.be.closeTo(5_855.73 - 4e-6, 1e-9);
      expect(r.unsocialized + MAX_SOCIALIZED_PER_BASE * dust).to.be.closeTo(r.uncovered, 1e-9);
    });
    it("a bankrupt short's debt onto dust longs is capped the same way", function () {
      const r = coverBadDebt(500, 0, 0, false, 1e-18, 10);
      expect(r.longIndexCharge).to.equal(MAX_SOCIALIZED_PER_BASE);
      expect(r.unsocialized).to.be.closeTo(500 - 1e-6, 1e-9);
    });
  });
});
