import { expect } from "chai";
import fc from "fast-check";
import { gapBps } from "../../../../keeper/core/math/float/gap";

describe("core/math/float/gap: the mark–oracle gap in bps", function () {
  it("is signed: positive with the mark above the oracle, negative below, 0 at it", function () {
    expect(gapBps(101, 100)).to.be.closeTo(100, 1e-9);
    expect(gapBps(99, 100)).to.be.closeTo(-100, 1e-9);
    expect(gapBps(100, 100)).to.equal(0);
  });

  it("is 0 without a positive oracle (no reference price, no gap to act on)", function () {
    expect(gapBps(100, 0)).to.equal(0);
    expect(gapBps(100, -1)).to.equal(0);
    expect(gapBps(100, Number.NaN)).to.equal(0);
  });

  it("scales: the same ratio gives the same gap at any price level", function () {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), fc.double({ min: 0.5, max: 2, noNaN: true }), (oracle, ratio) => {
        expect(gapBps(oracle * ratio, oracle)).to.be.closeTo((ratio - 1) * 1e4, 1e-6);
      }),
    );
  });
});
