import { expect } from "chai";
import fc from "fast-check";
import {
  closeLongQuote,
  closeShortQuote,
  kCostClosedForm,
  kCostDirect,
  liability,
  markPrice,
  quoteToBase,
  repegCostClosedForm,
  repegCostDirect,
  reservesAfterK,
  xAfterLong,
  xAfterShort,
} from "../../../keeper/sim/curve";
import { updateTwap } from "../../../keeper/sim/twap";
import { computeFunding } from "../../../keeper/sim/funding";
import { makeParams } from "../../../keeper/sim/params";

const close = (a: number, b: number, rel = 1e-12) => expect(Math.abs(a - b)).to.be.at.most(rel * Math.max(1, Math.abs(a), Math.abs(b)));

describe("sim curve math (SPEC §2, §4)", () => {
  // x = y = sqrtK = 100, P = 2: mark 2, k = 10_000.
  describe("exact cases on x = y = 100, P = 2", () => {
    it("prices the mark as y·P/x", () => {
      expect(markPrice(100, 100, 2)).to.equal(2);
      expect(markPrice(80, 125, 2)).to.equal(3.125);
    });
    it("long of q = 50 moves y to 125 and x to 80 (20 base received)", () => {
      expect(xAfterLong(100, 100, 2, 50)).to.equal(80);
      expect(quoteToBase(100, 100, 100, 2, true, 50)).to.equal(20);
    });
    it("closing that long returns the 50 quote and the reserves", () => {
      expect(closeLongQuote(80, 125, 100, 2, 20)).to.equal(50);
    });
    it("short of q = 50 moves y to 75 and x to 400/3", () => {
      close(xAfterShort(100, 100, 2, 50), 400 / 3);
      close(quoteToBase(100, 100, 100, 2, false, 50), 100 / 3);
      close(closeShortQuote(400 / 3, 75, 100, 2, 100 / 3), 50);
    });
    it("refuses a short that would empty the quote reserve", () => {
      expect(Number.isNaN(xAfterShort(100, 100, 2, 200))).to.equal(true);
      expect(Number.isNaN(closeShortQuote(100, 100, 100, 2, 100))).to.equal(true);
    });
    it("liability of the net long d = 20 is (125 − 100)·2 = 50; repeg 2 → 2.2 costs 5", () => {
      expect(liability(80, 125, 100, 2, 20)).to.equal(50);
      close(repegCostClosedForm(80, 125, 100, 2, 2.2, 20), 5);
      close(repegCostDirect(80, 125, 100, 2, 2.2, 20), 5);
    });
    it("a k change scales both reserves and keeps the mark", () => {
      const r = reservesAfterK(80, 125, 100, 110);
      close(r.x, 88);
      close(r.y, 137.5);
      close(markPrice(r.x, r.y, 2), markPrice(80, 125, 2));
    });
    it("raising k with d ≠ 0 costs, lowering k earns, d = 0 is free", () => {
      expect(kCostDirect(80, 125, 100, 101, 2, 20)).to.be.greaterThan(0);
      expect(kCostDirect(80, 125, 100, 99, 2, 20)).to.be.lessThan(0);
      expect(kCostDirect(100, 100, 100, 101, 2, 0)).to.equal(0);
    });
  });

  describe("closed forms vs direct valuation of L (property)", () => {
    const state = fc
      .record({
        sqrtK: fc.double({ min: 1e3, max: 1e7, noNaN: true }),
        skew: fc.double({ min: 0.5, max: 2, noNaN: true }),
        peg: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
        dShare: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
      })
      .map(({ sqrtK, skew, peg, dShare }) => {
        const x = sqrtK * skew;
        return { x, y: (sqrtK * sqrtK) / x, sqrtK, peg, d: dShare * x };
      });
    it("repeg: (y − y_t)(P' − P) = L(P') − L(P)", () => {
      fc.assert(
        fc.property(state, fc.double({ min: -0.2, max: 0.2, noNaN: true }), (s, dp) => {
          const newPeg = s.peg * (1 + dp);
          const a = repegCostClosedForm(s.x, s.y, s.sqrtK, s.peg, newPeg, s.d);
          const b = repegCostDirect(s.x, s.y, s.sqrtK, s.peg, newPeg, s.d);
          return Math.abs(a - b) <= 1e-9 * Math.max(1, s.y * s.peg);
        }),
      );
    });
    it("k change: P·y·d·(p/(p·x + d) − 1/(x + d)) = L(after) − L(before)", () => {
      fc.assert(
        fc.property(state, fc.double({ min: 0.97, max: 1.03, noNaN: true }), (s, p) => {
          const newSqrtK = s.sqrtK * p;
          const a = kCostClosedForm(s.x, s.y, s.sqrtK, newSqrtK, s.peg, s.d);
          const b = kCostDirect(s.x, s.y, s.sqrtK, newSqrtK, s.peg, s.d);
          return Math.abs(a - b) <= 1e-9 * Math.max(1, s.y * s.peg);
        }),
      );
    });
  });

  describe("TWAP and funding (SPEC §5)", () => {
    it("weights the window and the new price by time; dt = 0 leaves it unchanged", () => {
      expect(updateTwap(100, 0, 200, 0, 3600)).to.equal(100);
      expect(updateTwap(100, 0, 200, 1800, 3600)).to.equal(150);
      expect(updateTwap(100, 0, 200, 7200, 3600)).to.equal(200);
    });
    it("longs pay a positive premium; the AMM short of a net long receives", () => {
      const p = makeParams();
      const r = computeFunding(101, 100, 30, 10, 1000, Infinity, p);
      close(r.f, (1 * 3600) / 86400);
      expect(r.fLong).to.equal(r.f);
      expect(r.fShort).to.equal(r.f);
      close(r.ammReceived, r.f * 20);
      expect(r.ammPaid).to.equal(0);
    });
    it("caps the AMM's payment at the budget share and scales the receivers down", () => {
      const p = makeParams();
      // Net short users, longs pay: the AMM (long) would pay f·20; budget share 3333 bps of 0.3.
      const r = computeFunding(101, 100, 10, 30, 0.3, Infinity, p);
      close(r.ammPaid, (0.3 * 3333) / 1e4);
      close(r.fShort * 30, r.f * 10 + r.ammPaid);
      expect(r.fShort).to.be.lessThan(r.f);
    });
    it("clamps the premium at fundingCapBps of the oracle TWAP", () => {
      const r = computeFunding(200, 100, 1, 1, 0, Infinity, makeParams());
      close(r.f, (10 * 3600) / 86400);
    });
  });
});
